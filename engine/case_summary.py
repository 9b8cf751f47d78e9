"""What a caseworker reads first about a case: the protocol's stages and how far the case is through
each, the next steps with who has them, and the dates being watched, in plain words ("Due 14 May 2026",
"3 school days late"). Days are counted on the calendar the caller passes (a `WorkingDays`: the policy's),
in its own word for them. No Flask: the case page renders it, and it is tested on its own."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .people_dates import DEFAULT_TIMEZONE, people_date
from .permissions import PARTY_FIELDS
from .process_info import ProcessInfo
from .role_names import role_name
from .stages import StageState, case_stages

CLOSED_STATUSES = ("completed", "cancelled")


class WorkingDays(Protocol):
    """The calendar deadlines are counted on: `day_name` is what one of its days is called ("working day")."""

    day_name: str

    def days_between(self, a: date, b: date) -> int:
        """Its days after `a` up to and including `b` (negative when `b` is before `a`)."""


def due_words(due: date, today: date, calendar: WorkingDays) -> str:
    """"Due 14 May 2026", "Due today", or how late it is in the calendar's days: "3 school days late"."""
    if due > today:
        return f"Due {people_date(due)}"
    if due == today:
        return "Due today"
    late = calendar.days_between(due, today)
    if late < 1:  # due on one of its days, and none has passed since (a weekend, a holiday)
        return f"Late: it was due {people_date(due)}"
    return f"{late} {calendar.day_name}{'s' if late != 1 else ''} late"


def when_words(day: date, today: date, calendar: WorkingDays) -> str:
    """A watched date: "14 May 2026, in 3 school days", "today", "14 May 2026, 2 school days ago"."""
    if day == today:
        return f"{people_date(day)}, today"
    gap = calendar.days_between(today, day)
    if gap == 0:
        return people_date(day)
    words = f"{abs(gap)} {calendar.day_name}{'s' if abs(gap) != 1 else ''}"
    return f"{people_date(day)}, in {words}" if gap > 0 else f"{people_date(day)}, {words} ago"


@dataclass
class NextStep:
    """A task ready now: what it is, who has it (a role in words and the organisation in the case), when it is due."""

    task_id: str
    element: str
    title: str
    role: str
    organisation: str | None
    due: str | None
    due_text: str | None
    late: bool


@dataclass
class WatchedDate:
    """A deadline or wait the case's diagram is timing that is not a ready task's own due date (reminders,
    which only warn of a deadline, are left out)."""

    title: str
    day: str
    text: str
    deadline: bool = False  # a deadline (text: "Due 14 May 2026", "3 school days late"), not a date awaited
    reminded: str | None = None  # a deadline's: the day its last reminder was sent, "21 May 2026"


@dataclass
class CaseSummary:
    stages: list[StageState]
    next_steps: list[NextStep]
    watched: list[WatchedDate] = field(default_factory=list)
    closed: bool = False
    hints: dict[str, str] = field(default_factory=dict)  # stage -> what is happening in it now
    waits: list[str] = field(default_factory=list)  # the messages awaited, with who sends them, in words


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def summarise(info: ProcessInfo, case: dict[str, Any], events: list[dict[str, Any]], waiting: list[str],
              today: date, calendar: WorkingDays, timezone: str = DEFAULT_TIMEZONE) -> CaseSummary:
    """The summary of `case` (the case JSON: status, data, ready tasks, waiting timers) from its history
    `events`, the elements it is `waiting` at beyond its ready tasks and timers (messages awaited), on
    `today`, counting days on `calendar`."""
    closed = case["status"] in CLOSED_STATUSES
    data = case.get("data") or {}
    ready = case.get("ready_tasks") or []
    steps = []
    for task in ready:
        due = _date(task.get("due"))
        steps.append(NextStep(
            task_id=task["task_id"], element=task["task"], title=task["title"],
            role=role_name(task.get("lane"), capital=True),
            organisation=data.get(PARTY_FIELDS.get(task.get("lane") or "", "")) or None,
            due=task.get("due"), due_text=due_words(due, today, calendar) if due else None,
            late=bool(due and due < today)))
    steps.sort(key=lambda s: (s.due is None, s.due or ""))
    ready_elements = {t["task"] for t in ready}
    timers = case.get("waiting_timers") or []
    reminded = _reminded(info, events, timezone)
    watched = []
    for timer in timers:
        element = timer["task"]
        if info.boundaries.get(element) in ready_elements or element in info.reminders:
            continue  # a ready task's reminder or escalation (its due date says it), or a reminder: not a date
        moment = datetime.fromisoformat(timer["due"])
        day = moment.astimezone(ZoneInfo(timezone)).date() if moment.tzinfo else moment.date()
        if element in info.escalations:  # a deadline: what is due (the activity timed), by the date the case holds
            activity = info.boundaries.get(element, element)
            day = _date(str(data.get(info.escalations[element]) or "")) or day
            watched.append(WatchedDate(info.titles.get(activity, activity), day.isoformat(),
                                       due_words(day, today, calendar), deadline=True, reminded=reminded.get(activity)))
        else:
            watched.append(WatchedDate(info.titles.get(element, element), day.isoformat(),
                                       when_words(day, today, calendar)))
    watched = list({(w.title, w.day): w for w in watched}.values())  # two escalations of one deadline: once
    waiting_now = [s.element for s in steps] + [t["task"] for t in timers] + list(waiting)  # soonest due first
    stages = case_stages(info.stages, info.stage_order, events, waiting_now, closed)
    return CaseSummary(stages, steps, watched, closed, _hints(stages, ready_elements, info), _waits(waiting, info))


def _reminded(info: ProcessInfo, events: list[dict[str, Any]], timezone: str) -> dict[str, str]:
    """The activity a deadline times -> the day (in words) its reminder last went, from the fired timers."""
    out = {}
    for event in (e for e in events if e.get("kind") == "timer_fired"):
        for element in (event.get("data") or {}).get("elements") or ():
            if element in info.reminders:
                moment = datetime.fromisoformat(event["at"])
                day = moment.astimezone(ZoneInfo(timezone)).date() if moment.tzinfo else moment.date()
                out[info.boundaries.get(element, element)] = people_date(day)
    return out


def _waits(waiting: list[str], info: ProcessInfo) -> list[str]:
    """"Place allocated (from the local authority admissions team)" for each message the case awaits."""
    out = []
    for element in waiting:
        catch = info.catches.get(element)
        if catch is None or element in info.boundaries:
            continue  # a boundary message (a review moved) is a change to a task, not what the case waits for
        who = " or ".join(role_name(r) for r in catch.senders)
        out.append(f"{info.titles.get(element, element)} (from the {who})" if who else info.titles.get(element, element))
    return list(dict.fromkeys(out))


def _hints(stages: list[StageState], ready: set[str], info: ProcessInfo) -> dict[str, str]:
    """"Now: Hold first interim review" for a stage in progress (its tasks; else what it waits for)."""
    hints = {}
    for stage in stages:
        tasks = [info.titles.get(e, e) for e in stage.waiting if e in ready]
        waits = [info.titles.get(e, e) for e in stage.waiting if e not in ready and e not in info.boundaries]
        if tasks:
            hints[stage.name] = "Now: " + ", ".join(dict.fromkeys(tasks))
        elif waits:
            hints[stage.name] = "Waiting for: " + ", ".join(dict.fromkeys(waits))
    return hints

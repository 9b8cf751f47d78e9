"""The case summary in plain words: due dates, lateness in school days, who has the next step."""
from __future__ import annotations

from datetime import date

from engine.case_summary import due_words, summarise, when_words
from engine.process_info import ProcessInfo
from engine.stages import COMPLETED, IN_PROGRESS
from schooling.calendar import SchoolCalendar

CALENDAR = SchoolCalendar()  # weekdays less England's bank holidays
MONDAY = date(2026, 5, 11)


def test_due_dates_and_lateness_read_as_words():
    assert due_words(date(2026, 5, 14), MONDAY, CALENDAR) == "Due 14 May 2026"
    assert due_words(MONDAY, MONDAY, CALENDAR) == "Due today"
    assert due_words(date(2026, 5, 11), date(2026, 5, 14), CALENDAR) == "3 school days late"
    assert due_words(date(2026, 5, 8), MONDAY, CALENDAR) == "1 school day late"  # Friday to Monday: one
    assert due_words(date(2026, 5, 8), date(2026, 5, 9), CALENDAR) == "Late: it was due 8 May 2026"  # a Saturday
    # the late May bank holiday (25 May 2026) is no school day
    assert due_words(date(2026, 5, 22), date(2026, 5, 26), CALENDAR) == "1 school day late"


def test_a_watched_date_says_how_far_off_it_is():
    assert when_words(date(2026, 5, 14), MONDAY, CALENDAR) == "14 May 2026, in 3 school days"
    assert when_words(MONDAY, MONDAY, CALENDAR) == "11 May 2026, today"
    assert when_words(date(2026, 5, 6), MONDAY, CALENDAR) == "6 May 2026, 3 school days ago"


def test_the_next_step_names_the_role_and_the_organisation_and_the_stage_it_is_in():
    info = ProcessInfo(key="p", name="P", titles={"ask": "Ask the school", "ask_late": "Ask late", "t": "Too long",
                                                   "w": "Three weeks on"},
                       stages={"ask": "Asking", "ask_late": "Asking", "t": "Asking", "w": "Later"},
                       stage_order=["Asking", "Later"], boundaries={"t": "ask"})
    case = {"status": "running", "data": {"host_school": "Kingsmead High School"},
            "ready_tasks": [{"task_id": "1", "task": "ask", "title": "Ask the school", "lane": "host_school",
                             "due": "2026-05-14"},
                            {"task_id": "2", "task": "ask_late", "title": "Ask late", "lane": "la_admissions",
                             "due": "2026-05-06"}],
            "waiting_timers": [{"task": "t", "due": "2026-05-15T09:00:00+00:00"},
                               {"task": "w", "due": "2026-06-01T09:00:00+00:00"}]}
    summary = summarise(info, case, [{"kind": "case_started", "element": None}], [], MONDAY, CALENDAR)
    late, on_time = summary.next_steps  # the latest first
    assert (late.title, late.role, late.organisation, late.due_text, late.late) == (
        "Ask late", "Local authority admissions team", None, "3 school days late", True)
    assert (on_time.role, on_time.organisation, on_time.due_text) == ("Host school", "Kingsmead High School",
                                                                      "Due 14 May 2026")
    # the task's own deadline timer is its due date; a wait of the process's own is listed
    assert [(w.title, w.text) for w in summary.watched] == [("Three weeks on", "1 June 2026, in 14 school days")]
    assert [(s.name, s.status) for s in summary.stages] == [("Asking", IN_PROGRESS), ("Later", IN_PROGRESS)]
    assert summary.hints == {"Asking": "Now: Ask late, Ask the school", "Later": "Waiting for: Three weeks on"}
    closed = summarise(info, {**case, "status": "completed", "ready_tasks": [], "waiting_timers": []},
                       [{"kind": "task_completed", "element": "ask"}], [], MONDAY, CALENDAR)
    assert closed.closed and closed.next_steps == [] and closed.stages[0].status == COMPLETED


def test_with_no_task_the_summary_says_what_the_case_waits_for_and_from_whom():
    from engine.process_info import MessageCatchInfo

    info = ProcessInfo(key="p", name="P", titles={"allocated": "Place allocated at the planning meeting"},
                       stages={"allocated": "Allocation"}, stage_order=["Allocation"],
                       catches={"allocated": MessageCatchInfo("allocated", "place_allocated", "la_admissions",
                                                              ("la_admissions",), [])})
    case = {"status": "running", "data": {}, "ready_tasks": [], "waiting_timers": []}
    summary = summarise(info, case, [{"kind": "case_started", "element": "start"}], ["allocated"], MONDAY, CALENDAR)
    assert summary.next_steps == [] and summary.stages[0].status == IN_PROGRESS
    assert summary.waits == ["Place allocated at the planning meeting (from the local authority admissions team)"]
    assert summary.hints == {"Allocation": "Waiting for: Place allocated at the planning meeting"}


def test_a_deadline_is_watched_as_a_deadline_and_its_reminder_is_left_out():
    # the SEMH placement's own timers: "12 weeks nearly up" (a reminder) and "12 weeks exceeded" (the escalation),
    # on the placement subprocess, which is no ready task
    info = ProcessInfo(key="p", name="P", titles={"placement": "Engagement placement (at most 12 weeks)",
                                                   "remind": "12 weeks nearly up", "over": "12 weeks exceeded",
                                                   "wait": "Two terms after the return"},
                       boundaries={"remind": "placement", "over": "placement"},
                       reminders={"remind": "placement_end_by"}, escalations={"over": "placement_end_by"})
    case = {"status": "running", "data": {"placement_end_by": "2026-05-14"}, "ready_tasks": [],
            "waiting_timers": [{"task": "remind", "due": "2026-05-07T08:00:00+00:00"},
                               {"task": "over", "due": "2026-05-15T08:00:00+00:00"},
                               {"task": "wait", "due": "2026-06-01T08:00:00+00:00"}]}
    summary = summarise(info, case, [], [], MONDAY, CALENDAR)
    assert [(w.title, w.text, w.deadline) for w in summary.watched] == [
        ("Engagement placement (at most 12 weeks)", "Due 14 May 2026", True),
        ("Two terms after the return", "1 June 2026, in 14 school days", False)]
    # past the deadline the escalation repeats (its next firing is later), but the deadline is the case's date
    late = summarise(info, {**case, "waiting_timers": [{"task": "over", "due": "2026-05-22T08:00:00+00:00"}]},
                     [], [], date(2026, 5, 19), CALENDAR)
    assert [(w.title, w.day, w.text) for w in late.watched] == [
        ("Engagement placement (at most 12 weeks)", "2026-05-14", "3 school days late")]


def test_the_diagrams_reminders_and_escalations_are_known_with_the_deadline_they_watch():
    from pathlib import Path

    from lxml import etree

    from engine.process_info import NS, describe

    root = etree.parse(str(Path(__file__).parents[2] / "processes" / "semh_placement.bpmn")).getroot()
    info, _ = describe(root, root.find("bpmn:process", NS))
    assert info.reminders == {"placement_reminder": "placement_end_by"}
    assert info.escalations == {"placement_overdue": "placement_end_by"}
    assert ProcessInfo.from_json(info.to_json()).reminders == info.reminders

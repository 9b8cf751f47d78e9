"""Core Offer Inclusion Placements, counted across SEMH cases (the SEMH service level agreement).

Each school has `policy.core_places_per_school_per_term` core places a term, at no cost. The termly
inclusion planning meeting allocates them: `allocate` counts the school's places already allocated
that term and delivers the message `inclusion_allocation` to the case, or refuses. A permanent
exclusion by the school withdraws one of its core places: `withdraw_for_exclusion` keeps the exclusion
and delivers `core_place_withdrawn` to one of the school's core places of the term still before the
young person's return, at any stage: the latest that has not started, else the latest placement under
way (a withdrawn place stays counted, so the school cannot allocate it again that term); when there is
no such place, the school's allowance for the term is one lower instead. Only the school's own
authority (or an admin) records its exclusions, and the school must be in the organisations register. The decision travels as a
message, so it is in the case's history and a replay does not depend on other cases.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from engine.errors import Conflict, InvalidData, NotFound
from engine.models import Case, ReadyTask
from engine.organisations import UnknownOrganisation, authority_of, find
from engine.permissions import actor_for, require_for_authority, require_may
from schooling.models import CorePlace

from .exclusions import PermanentExclusion, allowance_reductions
from .parties import EXCLUSIONS
from .terms import term_of

PROCESS = "semh_placement"
OFFERS = ("core", "additional")
# Elements a core place waits at before the placement starts, and while it runs until the return (each
# has a withdrawal boundary event on it or on its subprocess).
_BEFORE_START = ("complete_sla", "plan_transition")
_UNDER_WAY = ("review_placement_progress", "plan_reintegration", "review_return")


def _cases(session) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.process_key == PROCESS).order_by(Case.created_at, Case.id)))


def ledger(session, policy, term: str) -> dict[str, dict[str, Any]]:
    """Per school, for `term`: the allowance (less a place for each permanent exclusion that had no
    place to withdraw), core places allocated (withdrawn ones included), left."""
    out: dict[str, dict[str, Any]] = {}
    reductions = allowance_reductions(session, term)

    def row_for(school: str) -> dict[str, Any]:
        lost = reductions.get(school, 0)
        return out.setdefault(school, {"allowance": max(policy.core_places_per_school_per_term - lost, 0),
                                       "reduced_by_exclusions": lost, "allocated": 0, "withdrawn": 0, "cases": []})

    for school in reductions:
        row_for(school)
    for case in _cases(session):
        data = case.data or {}
        if data.get("placement_term") != term or data.get("offer") != "core":
            continue
        row = row_for(data["home_school"])
        row["allocated"] += 1
        row["withdrawn"] += data.get("outcome") == "core_place_withdrawn"
        row["cases"].append(case.id)
    for row in out.values():
        row["left"] = max(row["allowance"] - row["allocated"], 0)
    return out


def allocate(engine, case_id: str, offer: str, meeting_date: date, actor: str) -> dict[str, Any]:
    """Record the inclusion meeting's allocation for a nominated young person: the message
    `inclusion_allocation`, which takes a core place (`take_allocation`) only while the school has one
    left this term."""
    if offer not in OFFERS:
        raise InvalidData({"offer": f"must be one of {', '.join(OFFERS)}"})
    case = engine.session.get(Case, case_id)
    if case is None or case.process_key != PROCESS:
        raise NotFound(f"no SEMH placement case {case_id!r}")
    return engine.send_message(case_id, "inclusion_allocation",
                               {"offer": offer, "meeting_date": meeting_date.isoformat()}, actor)


def take_allocation(engine, case: Case, values: dict[str, Any], actor: str) -> dict[str, Any]:
    """The payload of an `inclusion_allocation` message from its checked data (offer, meeting date):
    the meeting's term, and for a core offer the place taken in `core_places` (InvalidData when the
    school has none left that term; Conflict when another allocation took the same place at the same
    moment). Every allocation, by command or by message, comes through here."""
    if case.process_key != PROCESS:
        return values
    policy, offer = engine.policy, values["offer"]
    meeting_date = date.fromisoformat(values["meeting_date"])
    term = term_of(policy.school_calendar(), meeting_date).id
    school = (case.data or {}).get("home_school")
    payload: dict[str, Any] = {"offer": offer, "term": term, "meeting_date": meeting_date.isoformat()}
    if offer == "core":
        row = ledger(engine.session, policy, term).get(school, {"allocated": 0, "withdrawn": 0, "reduced_by_exclusions": 0,
                                                                "allowance": policy.core_places_per_school_per_term})
        taken = engine.session.scalar(select(func.count()).select_from(CorePlace)
                                      .where(CorePlace.school == school, CorePlace.term == term)) or 0
        allocated = max(row["allocated"], taken)  # the ledger, or the places table if it holds more
        allowance = row["allowance"]
        if allocated >= allowance:
            lost = row["withdrawn"] + row["reduced_by_exclusions"]
            withdrawn = f" ({lost} withdrawn after a permanent exclusion)" if lost else ""
            raise InvalidData({"offer": f"{school} has used its {allowance} Core Offer Inclusion Placements for "
                                        f"{term}{withdrawn}: allocate an Additional Offer Engagement Placement, "
                                        f"which needs funding"})
        payload["place_number"] = allocated + 1
        _take_place(engine, school, term, payload["place_number"], case.id, actor)
    return payload


#: Messages whose data moves a quota -> the function that keeps it (called by `Engine.send_message`).
MESSAGE_RULES = {"inclusion_allocation": take_allocation}


def _take_place(engine, school: str, term: str, number: int, case_id: str, actor: str) -> None:
    """Claim place `number` in the database: if another allocation took it first, a clean Conflict."""
    try:  # the transaction is the caller's: a Conflict rolls all of it back
        engine.session.execute(insert(CorePlace).values(school=school, term=term, place_number=number, case_id=case_id,
                                                        allocated_at=engine.clock.now(), allocated_by=actor))
    except IntegrityError:
        raise Conflict(f"{school}'s core place {number} for {term} was allocated to another young person at the "
                       "same moment; nothing was saved, look at the places left and try again") from None


def withdraw_for_exclusion(engine, school: str, excluded_on: date, actor: str) -> dict[str, Any]:
    """A permanent exclusion by `school` withdraws one of its core places of the term (returns that case):
    the latest allocated that has not started, else the latest under way before the return; with no such
    place, it lowers the school's allowance for the term by one (returns the school's ledger row). The
    exclusion is kept either way. Forbidden unless `actor` records exclusions for the school's authority;
    InvalidData for a school not in the register."""
    who = actor_for(engine.session, actor)
    require_may(who, EXCLUSIONS)
    try:
        entry = find(engine.session, school, ("school",), "school")
    except UnknownOrganisation as exc:
        raise InvalidData({"school": str(exc)[:1].upper() + str(exc)[1:]}) from None
    authority = authority_of(engine.session, entry)
    require_for_authority(who, EXCLUSIONS, authority.name if authority else None, entry.name)
    school = entry.name
    term = term_of(engine.policy.school_calendar(), excluded_on).id
    for case_id in _places_to_withdraw(engine.session, school, term):
        try:
            result = engine.send_message(case_id, "core_place_withdrawn", {"excluded_on": excluded_on.isoformat()}, actor)
        except Conflict as exc:  # a case on a diagram's version that withdraws a place only before it starts
            if "not waiting for message" not in str(exc):
                raise
            continue
        engine.session.add(_exclusion(engine, school, term, excluded_on, case_id, actor))
        engine.session.flush()
        return result
    engine.session.add(_exclusion(engine, school, term, excluded_on, None, actor))
    engine.session.flush()
    return {"school": school, "term": term, "withdrawn_case": None, **ledger(engine.session, engine.policy, term)[school]}


def _exclusion(engine, school: str, term: str, on: date, case_id: str | None, actor: str) -> PermanentExclusion:
    return PermanentExclusion(school=school, term=term, excluded_on=on, withdrawn_case_id=case_id,
                              recorded_at=engine.clock.now(), recorded_by=actor)


def _places_to_withdraw(session, school: str, term: str) -> list[str]:
    """The school's running core places of `term` that a withdrawal may end, best first: the latest not
    started, then the latest under way before the return."""
    waiting = dict(session.execute(select(ReadyTask.case_id, ReadyTask.element)
                                   .where(ReadyTask.element.in_(_BEFORE_START + _UNDER_WAY))).all())
    places = [c for c in _cases(session) if c.status == "running" and c.id in waiting
              and (c.data or {}).get("home_school") == school and (c.data or {}).get("offer") == "core"
              and (c.data or {}).get("placement_term") == term]
    not_started = [c.id for c in places if waiting[c.id] in _BEFORE_START]
    under_way = [c.id for c in places if waiting[c.id] not in _BEFORE_START]
    return [*reversed(not_started), *reversed(under_way)]

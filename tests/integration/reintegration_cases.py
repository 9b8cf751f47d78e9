"""Driving a reintegration case through the web tests' runtime, one engine call per transaction, with
what the case showed after each call (not a test module)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from cli import scenarios as s
from cli.demo_data import ACTOR_BY_LANE
from tests.conftest import TEST_READ, catch_up

EMERGENCY = "emergency_review_requested"
#: Through the placement to an emergency review that ends it, the home school's outcome form, the host head's
#: decision and the host school's deletion from its roll.
EMERGENCY_END_PATH = [*list(s.HAPPY_PATH)[:9], EMERGENCY, "hold_emergency_review", "record_unsuccessful_outcome",
                      "confirm_failure_decision", "remove_from_roll"]
#: The whole happy path: three reviews and the host school's outcome form.
HAPPY = list(s.HAPPY_PATH)
FORMS = {**s.HAPPY_PATH, "hold_emergency_review": s.EMERGENCY_REVIEW_END,
         **{k: s.UNSUCCESSFUL_PATH[k] for k in ("record_unsuccessful_outcome", "confirm_failure_decision",
                                                "remove_from_roll")},
         "record_unsuccessful_outcome_ap": s.UNSUCCESSFUL_PATH["record_unsuccessful_outcome"]}


#: A week before the scenarios' consent: each case driven from here meets its dates in order (a date
#: something happened is recorded on or after it, a planned one before it).
SCENARIO_START = datetime(2027, 1, 4, 9, tzinfo=UTC)


@dataclass
class Driven:
    case_id: str
    #: (seq of the last event the call wrote, the case as show_case returned it just after the call)
    seen: list[tuple[int, dict]] = field(default_factory=list)


def drive(rt, path: list[str], pupil: str = "Jordan Ellis", changes: dict[str, dict] | None = None) -> Driven:
    """Start a case and take it along `path` (task elements, or EMERGENCY for the message), the clock
    moving a day between calls. `changes` overrides form values per element."""
    changes = changes or {}
    if rt.clock.now() > SCENARIO_START:  # a case driven before this one left the clock at its end
        rt.clock.set(SCENARIO_START)
    with rt.engine() as eng:
        start = {**s.START_DATA, "pupil_name": pupil, **changes.get("start", {})}
        driven = Driven(eng.start_case("reintegration", start, "ava.ap")["case_id"])
    _snapshot(rt, driven)
    for element in path:
        rt.clock.advance(days=1)
        with rt.engine() as eng:
            if element == EMERGENCY:
                eng.send_message(driven.case_id, EMERGENCY, {"reason": "A fight"}, "hana.host")
            else:
                ready = {t["task"]: t for t in eng.show_case(driven.case_id, viewer=TEST_READ)["ready_tasks"]}
                assert element in ready, f"{element} is not ready on {driven.case_id}: {sorted(ready)}"
                task = ready[element]
                form = {**FORMS[element], **changes.get(element, {})}
                catch_up(rt.clock, form, task["form"])
                eng.complete_task(task["task_id"], form,
                                  ACTOR_BY_LANE[task["lane"]])
        _snapshot(rt, driven)
    return driven


def _snapshot(rt, driven: Driven) -> None:
    with rt.engine() as eng:
        driven.seen.append((eng.history(driven.case_id, viewer=TEST_READ)[-1]["seq"],
                            eng.show_case(driven.case_id, viewer=TEST_READ)))

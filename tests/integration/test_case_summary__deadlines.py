"""The case summary's "Dates being watched" on a real SEMH placement: the 12-week limit is a deadline, named for
what is due and dated by the case's own `placement_end_by` ("Due 31 May 2026", then "N school days late"); the
"12 weeks nearly up" reminder timer is not a date a caseworker watches, so it is not listed."""
from __future__ import annotations

from datetime import UTC, datetime

from engine.case_summary import summarise
from tests.conftest import TEST_READ
from tests.integration.test_semh__paths import SLA, TRANSITION, allocated, do, h  # noqa: F401  (fixture)


def _watched(h, case_id: str, today) -> list[tuple[str, str, bool]]:  # noqa: F811
    with h.transaction() as eng:
        case = eng.show_case(case_id, viewer=TEST_READ)
        summary = summarise(eng.process_info(case_id), case, eng.history(case_id, viewer=TEST_READ), [], today,
                            eng.policy.school_calendar(), eng.policy.timezone)
    return [(w.title, w.text, w.deadline) for w in summary.watched]


def test_the_twelve_weeks_are_watched_as_a_deadline_not_as_its_reminder(h):  # noqa: F811
    case_id = allocated(h)
    do(h, case_id, "complete_sla", SLA)
    do(h, case_id, "plan_transition", TRANSITION)
    assert _watched(h, case_id, datetime(2026, 5, 11).date()) == [
        ("Engagement placement (at most 12 weeks)", "Due 31 May 2026", True)]
    h.clock.set(datetime(2026, 6, 1, 8, 0, 1, tzinfo=UTC))
    h.fire()  # the reminder went, the first escalation went and the next is a week on: the deadline stays 31 May
    assert _watched(h, case_id, datetime(2026, 6, 3).date()) == [
        ("Engagement placement (at most 12 weeks)", "2 school days late", True)]  # Mon 1 and Tue 2 June

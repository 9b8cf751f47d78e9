"""The case summary's "Dates being watched" on a real SEMH placement: the 12-week limit is a deadline, named for
what is due and dated by the case's own `placement_end_by` ("Due 31 May 2026", then "N school days late"); the
"12 weeks nearly up" reminder timer is not a date a caseworker watches, so it is not listed: once it has
fired, the deadline says "Reminder sent on 1 June 2026"."""
from __future__ import annotations

from datetime import UTC, datetime

from engine.case_summary import summarise
from tests.conftest import TEST_READ
from tests.integration.test_semh__paths import SLA, TRANSITION, allocated, do, h  # noqa: F401  (fixture)


def _watched(h, case_id: str, today) -> list[tuple]:  # noqa: F811
    with h.transaction() as eng:
        case = eng.show_case(case_id, viewer=TEST_READ)
        summary = summarise(eng.process_info(case_id), case, eng.history(case_id, viewer=TEST_READ), [], today,
                            eng.policy.school_calendar(), eng.policy.timezone)
    return [(w.title, w.text, w.deadline, w.reminded) for w in summary.watched]


def test_the_twelve_weeks_are_watched_as_a_deadline_not_as_its_reminder(h):  # noqa: F811
    case_id = allocated(h)
    do(h, case_id, "complete_sla", SLA)
    do(h, case_id, "plan_transition", TRANSITION)
    assert _watched(h, case_id, datetime(2026, 5, 11).date()) == [
        ("Engagement placement (at most 12 weeks)", "Due 31 May 2026", True, None)]
    h.clock.set(datetime(2026, 6, 1, 8, 0, 1, tzinfo=UTC))
    h.fire()  # the reminder went, the first escalation went and the next is a week on: the deadline stays 31 May
    assert _watched(h, case_id, datetime(2026, 6, 3).date()) == [
        ("Engagement placement (at most 12 weeks)", "2 school days late", True, "1 June 2026")]  # Mon 1 and Tue 2 June


def test_the_case_page_shows_the_deadline_and_when_it_was_reminded(h):  # noqa: F811
    import re

    from cli.demo_data import DEMO_PASSWORD
    from engine.accounts import create_account
    from engine.wiring import Runtime
    from web import create_app

    with h.sessions() as ses:
        create_account(ses, "ada.web", "admin", h.clock.now(), password=DEMO_PASSWORD)
        ses.commit()
    case_id = allocated(h)
    do(h, case_id, "complete_sla", SLA)
    do(h, case_id, "plan_transition", TRANSITION)
    h.clock.set(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    h.fire()
    client = create_app(Runtime(url=h.url, clock=h.clock, policy=h.policy, registry=h.registry),
                        {"TESTING": True}).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)
    client.post("/sign-in", data={"name": "ada.web", "password": DEMO_PASSWORD, "csrf_token": token})
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    watched = re.search(r'<h3[^>]*id="watched-heading">.*?</dl>', html, re.S).group(0)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", watched)).strip()
    assert words == ("Dates being watched Engagement placement (at most 12 weeks) 2 school days late "
                     "Reminder sent on 3 June 2026")

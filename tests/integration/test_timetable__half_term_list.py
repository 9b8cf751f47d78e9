"""The Oxfordshire timetable guidance: "The names of pupils on a Reintegration Timetable are passed from Education to
Social Care, the Youth Justice Team Operational Group and the Early Help and Prevention Team once per half term".

The scheduler sends each authority's list once the half term has ended, with every timetable live at any point of it;
it goes to the authority's social care, youth justice and early help accounts, who can then open exactly the listed
cases, read-only, each read in the access log; nothing is sent twice, whatever the ticks and restarts.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli.demo_data import DEMO_PASSWORD
from engine.accounts import create_account
from engine.errors import Forbidden, NotFound
from engine.models import OutboxMessage
from engine.scheduler import make_scheduler, run_periodic
from engine.wiring import Runtime
from schooling.timetable_list import send_due_lists
from tests.integration.timetable_cases import (
    AGREEMENT,
    MEETING,
    PLAN,
    PROPOSE,
    RISK,
    SENT,
    START,
    TIMETABLE,
    add_staff,
    deploy,
    review,
)
from tests.web_helpers import post

WORCS, HEREFORD = "Worcestershire County Council", "Herefordshire Council"
AGENCIES = {"sol.social": ("social_care", WORCS, "social.care@worcs.example"),
            "yan.youth": ("youth_justice", WORCS, "youth.justice@worcs.example"),
            "eve.early": ("early_help", WORCS, "early.help@worcs.example"),
            "hera.social": ("social_care", HEREFORD, "social.care@hereford.example")}
JANUARY = {"propose_timetable": {**PROPOSE, "proposed_start_date": "2026-01-12"},
           "hold_planning_meeting": {**MEETING, "meeting_date": "2026-01-07"},
           "agree_plan": {**PLAN, "start_date": "2026-01-12"},
           "assess_risk": {**RISK, "risk_assessment_date": "2026-01-08"},
           "record_parental_agreement": {**AGREEMENT, "agreement_date": "2026-01-08"},
           "send_plan_to_la": {**SENT, "plan_sent_date": "2026-01-09"}}
MARCH = {"propose_timetable": PROPOSE, "hold_planning_meeting": MEETING, "agree_plan": PLAN, "assess_risk": RISK,
         "record_parental_agreement": AGREEMENT, "send_plan_to_la": SENT}


def at(h, *when: int) -> None:
    h.clock.set(datetime(*when, 9, tzinfo=UTC))


@pytest.fixture
def h(harness):
    add_staff(harness)
    with harness.sessions() as ses:
        for name, (role, org, email) in AGENCIES.items():
            create_account(ses, name, role, harness.clock.now(), org=org, email=email, password=DEMO_PASSWORD)
        create_account(ses, "lou.lugg", "home_school", harness.clock.now(), org="Lugg Meadow High School")
        ses.commit()
    deploy(harness, TIMETABLE)
    return harness


def timetable(h, forms: dict, steps: int = 6, school: str | None = None, by: str = "omar.home") -> str:
    start = {**START, "home_school": school, "local_authority": HEREFORD} if school else START
    case_id = h.call("start_case", "reintegration_timetable", start, by)["case_id"]
    for element, data in list(forms.items())[:steps]:
        h.complete(case_id, element, data, by)
    return case_id


def lists(h) -> list[OutboxMessage]:
    return h.query(lambda ses: ses.scalars(select(OutboxMessage).where(OutboxMessage.kind == "timetable_half_term_list")
                                           .order_by(OutboxMessage.recipient, OutboxMessage.id)).all())


def send(h) -> dict:
    with h.transaction() as eng:
        return send_due_lists(eng)


@pytest.fixture
def term(h):
    """Timetables across spring 2026: one over before spring 2 (12-23 January), one back full time within it
    (9-20 March), one still running, one proposed and never agreed, and one in Herefordshire."""
    at(h, 2026, 1, 12)
    january = timetable(h, JANUARY)
    at(h, 2026, 1, 23)
    h.complete(january, "review_timetable", review("2026-01-23", 2, 29, True), "omar.home")
    at(h, 2026, 3, 6)
    ended, running, proposed = timetable(h, MARCH), timetable(h, MARCH), timetable(h, MARCH, steps=1)
    hereford = timetable(h, MARCH, school="Lugg Meadow High School", by="lou.lugg")
    at(h, 2026, 3, 20)
    h.complete(ended, "review_timetable", review("2026-03-20", 2, 29, True), "omar.home")
    return {"january": january, "ended": ended, "running": running, "proposed": proposed, "hereford": hereford}


def test_each_half_term_once_it_ends_every_timetable_live_in_it_to_each_authoritys_agencies(h, term):
    at(h, 2026, 3, 27)  # the last day of spring 2: the list due is spring 1's (5 January - 13 February)
    first = send(h)
    assert first["half_term"] == "2025/26 spring 1"
    assert {s["authority"]: s["pupils"] for s in first["lists"]} == {
        HEREFORD: [], "Oxfordshire County Council": [], WORCS: [term["january"]]}
    assert send(h)["lists"] == []  # the next tick: sent already
    at(h, 2026, 3, 28)  # Saturday: spring 2 (23 February - 27 March) has ended
    second = {s["authority"]: s for s in send(h)["lists"]}
    assert set(second[WORCS]["pupils"]) == {term["ended"], term["running"]}  # back full time on 20 March included
    assert second[HEREFORD]["pupils"] == [term["hereford"]]
    assert sorted(second[WORCS]["queued"]) == ["early.help@worcs.example", "social.care@worcs.example",
                                               "youth.justice@worcs.example"]
    assert second[HEREFORD]["queued"] == ["social.care@hereford.example"]
    assert second[HEREFORD]["no_account"] == ["youth_justice", "early_help"]
    assert second["Oxfordshire County Council"]["queued"] == []

    mail = [m for m in lists(h) if m.recipient == "social.care@worcs.example"]
    assert [m.subject for m in mail] == ["Pupils on a reintegration timetable, 2025/26 spring 1: 1 pupil(s)",
                                         "Pupils on a reintegration timetable, 2025/26 spring 2: 2 pupil(s)"]
    body = mail[1].body
    assert f"JE (case {term['ended']}), Hollybrook High School: started 9 March 2026, back full time on 20 March 2026" \
           in body
    assert f"http://127.0.0.1:5000/cases/{term['running']}" in body and "Jordan" not in body
    assert term["hereford"] not in body and term["proposed"] not in body and term["january"] not in body

    restarted = Runtime(url=h.url, clock=h.clock, policy=h.policy, registry=h.registry)  # another process
    assert run_periodic(restarted, send_due_lists) == {"half_term": "2025/26 spring 2", "lists": []}
    assert len(lists(h)) == 4 + 4  # each half term: three in Worcestershire, one in Herefordshire; never twice
    jobs = {job.id for job in make_scheduler(restarted, blocking=False, periodic=(send_due_lists,)).get_jobs()}
    assert jobs == {"fire_due", "send_outbox", "send_due_lists"}


def test_the_agencies_open_exactly_the_listed_cases_read_only_each_read_logged(h, term):
    at(h, 2026, 3, 28)
    send(h)
    assert h.call("show_case", term["ended"], viewer="sol.social")["data"]["pupil_name"] == "Jordan Ellis"
    for hidden in (term["january"], term["proposed"], term["hereford"]):  # january: only on spring 1's list, never sent here
        with pytest.raises(NotFound):
            h.call("show_case", hidden, viewer="sol.social")
    assert h.call("show_case", term["hereford"], viewer="hera.social")["status"] == "running"
    with pytest.raises(NotFound):
        h.call("show_case", term["running"], viewer="hera.social")
    task = h.task(term["running"], "review_timetable")["task_id"]
    with pytest.raises(Forbidden, match="yan.youth is a youth justice team and changes no case"):
        h.call("complete_task", task, review("2026-03-27", 3, 26, False), "yan.youth")
    log = h.call("access_log", term["ended"])
    assert [(e["actor"], e["action"]) for e in log] == [("sol.social", "viewed case")]


def test_the_emails_links_open_for_their_recipients_in_the_web_app(h, term):
    from web import create_app

    at(h, 2026, 3, 28)
    send(h)
    app = create_app(Runtime(url=h.url, clock=h.clock, policy=h.policy, registry=h.registry), {"TESTING": True})
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/sign-in", data={"name": "eve.early", "password": DEMO_PASSWORD,
                                         "csrf_token": token}).status_code == 302
    [mail] = [m for m in lists(h) if m.recipient == "early.help@worcs.example"]
    links = re.findall(r"http://127\.0\.0\.1:5000(/cases[^\s]*)", mail.body)
    assert sorted(links) == sorted(["/cases", *(f"/cases/{term[k]}{tail}" for k in ("ended", "running")
                                                 for tail in ("", "/forms/timetable-plan"))])
    for path in links:
        response = client.get(path)
        assert response.status_code == 200, path
    plan = client.get(f"/cases/{term['running']}/forms/timetable-plan").get_data(as_text=True)
    assert "Reintegration Timetable Plan" in plan and "Ms R Patel, SENCo" in plan and "Daily check-in with the key adult" in plan
    case_page = client.get(f"/cases/{term['running']}").get_data(as_text=True)
    assert "Jordan Ellis" in case_page
    listed = client.get("/cases").get_data(as_text=True)
    assert term["ended"] in listed and term["running"] in listed and term["proposed"] not in listed
    assert client.get(f"/cases/{term['proposed']}").status_code == 404
    task = h.task(term["running"], "review_timetable")["task_id"]
    assert post(client, f"/tasks/{task}").status_code == 403  # read-only: no task
    assert "<form" not in client.get(f"/tasks/{task}").get_data(as_text=True).split("</header>")[-1]
    readers = {e["actor"] for e in h.call("access_log", term["running"])}
    assert "eve.early" in readers

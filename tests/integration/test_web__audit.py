"""The auditor's view: who may open it (auditors, admins, the LA for its own authority's cases), the
timeline and the case as it stood at each step (equal to what the case showed then), exports as CSV
and JSON, the printable record, verification before and after tampering, and the access log."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from cli.demo_data import DEMO_PASSWORD
from engine import accounts
from engine.models import HistoryEvent
from tests.conftest import TEST_READ
from tests.integration.reintegration_cases import EMERGENCY_END_PATH, drive
from tests.integration.test_replay__verify import drop_append_only_triggers
from tests.integration.test_web__access_matrix import USERS

AUDITORS = {"ada.admin", "aud.auditor", "lee.la", "olu.attendance"}
OTHER_AUTHORITY = "lia.la"  # the LA's admissions team of another authority: every case here is not theirs


def _routes(case_id: str) -> list[str]:
    base = f"/cases/{case_id}/audit"
    return [base, f"{base}?step=2", f"{base}/steps/1.json", f"{base}/verify", f"{base}/history.csv",
            f"{base}/history.json", f"{base}/print"]


@pytest.fixture
def clients(web_world, signed_in):
    with web_world.runtime.engine() as eng:
        accounts.create_account(eng.session, OTHER_AUTHORITY, "la_admissions", web_world.runtime.clock.now(),
                                org="Herefordshire Council", password=DEMO_PASSWORD)
    return {name: signed_in(name) for name in (*USERS, OTHER_AUTHORITY)}


def test_only_auditors_admins_and_the_authoritys_la_may_audit(web_world, clients):
    for name, client in clients.items():
        expected = 200 if name in AUDITORS else 404 if name == OTHER_AUTHORITY else 403
        for case_id in (web_world.placement, web_world.other_case):
            for path in _routes(case_id):
                assert client.get(path).status_code == expected, (name, path)
        assert client.get("/cases/NO-SUCH/audit").status_code == (404 if name in AUDITORS | {OTHER_AUTHORITY} else 403)


def test_signed_out_requests_go_to_sign_in(web_world, web_app):
    for path in _routes(web_world.placement):
        response = web_app.test_client().get(path)
        assert response.status_code == 302 and response.location.startswith("/sign-in?next="), path


def test_case_page_links_to_the_audit_view_only_for_those_who_may_open_it(web_world, signed_in):
    for name in ("aud.auditor", "lee.la", "hana.host"):
        html = signed_in(name).get(f"/cases/{web_world.placement}").get_data(as_text=True)
        assert f'href="/cases/{web_world.placement}/forms"' in html
        assert (f'href="/cases/{web_world.placement}/audit"' in html) == (name in AUDITORS), name


def _ready(html: str) -> list[str]:
    return sorted(re.findall(r'<li data-task="([^"]+)"', html))


def _timers(html: str) -> list[str]:
    return sorted(re.findall(r'<li data-timer="([^"]+)"', html))


def test_the_case_at_each_step_is_what_it_showed_then(web_world, signed_in):
    driven = drive(web_world.runtime, EMERGENCY_END_PATH, pupil="Sam Stepper")
    client = signed_in("aud.auditor")
    for seq, shown in driven.seen:
        state = client.get(f"/cases/{driven.case_id}/audit/steps/{seq}.json").get_json()["state"]
        assert sorted(t["task"] for t in state["ready_tasks"]) == sorted(t["task"] for t in shown["ready_tasks"]), seq
        assert state["data"] == shown["data"], seq
        assert state["waiting_timers"] == sorted(shown["waiting_timers"], key=lambda t: t["task"]), seq
        assert state["completed"] == (shown["status"] == "completed"), seq
        html = client.get(f"/cases/{driven.case_id}/audit?step={seq}").get_data(as_text=True)
        assert _ready(html) == sorted(t["task"] for t in shown["ready_tasks"]), seq
        assert _timers(html) == sorted(t["task"] for t in shown["waiting_timers"]), seq
        markers = re.search(r'data-current="([^"]*)"', html).group(1).replace("&#34;", '"')
        assert sorted(json.loads(markers)) == _ready(html), seq


def test_timeline_lists_every_event_with_its_actor_and_steps_through_it(web_world, signed_in):
    case_id = web_world.placement
    with web_world.runtime.engine() as eng:
        history = eng.history(case_id, viewer=TEST_READ)
    client = signed_in("aud.auditor")
    html = client.get(f"/cases/{case_id}/audit").get_data(as_text=True)
    last = history[-1]["seq"]
    assert f'type="range" id="step" name="step" min="1" max="{last}" step="1" value="{last}"' in html
    steps = re.findall(r'<a class="govuk-link" data-step="(\d+)" href="[^"]+"(?: aria-current="step")?>Step \d+: ', html)
    assert [int(s) for s in steps] == [e["seq"] for e in history]
    assert f'aria-current="step">Step {last}:' in html
    for actor in {e["actor"] for e in history}:
        assert f"{actor}, <time" in html
    first = client.get(f"/cases/{case_id}/audit?step=1").get_data(as_text=True)
    assert "Step 1: Case started" in first and "By <strong>ava.ap</strong>" in first
    assert ">Kim Placement</dd>" in first and _ready(first) == ["record_parental_consent"]
    assert "Previous step" not in first and f"/cases/{case_id}/audit?step=2#audit-step" in first
    consent = next(e for e in history if e["element"] == "record_parental_consent")
    at_consent = client.get(f"/cases/{case_id}/audit?step={consent['seq']}").get_data(as_text=True)
    assert "Task completed: Record parental consent" in at_consent
    assert "<dt class=\"govuk-summary-list__key\">Relationship to child/young person</dt>" in at_consent
    path = json.loads(re.search(r'data-path="([^"]*)"', at_consent).group(1).replace("&#34;", '"'))
    assert {"start", "record_parental_consent"} <= set(path) and "interim_review_1" not in path
    beyond = client.get(f"/cases/{case_id}/audit?step=9999").get_data(as_text=True)
    assert f'value="{last}"' in beyond  # clamped to the last step
    assert client.get(f"/cases/{case_id}/audit/steps/{last + 1}.json").status_code == 404  # a step it has not had


def test_exports_hold_the_whole_history(web_world, signed_in):
    case_id = web_world.placement
    with web_world.runtime.engine() as eng:
        history = eng.history(case_id, viewer=TEST_READ)
    client = signed_in("olu.attendance")
    response = client.get(f"/cases/{case_id}/audit/history.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{case_id}-history.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["seq"]) for r in rows] == [e["seq"] for e in history]
    assert [(r["actor"], r["kind"], r["element"], r["hash"]) for r in rows] == [
        (e["actor"], e["kind"], e["element"] or "", e["hash"]) for e in history]
    assert [json.loads(r["data"]) for r in rows] == [e["data"] for e in history]
    assert rows[0]["step"] == "Case started" and rows[1]["step"] == "Task completed: Record parental consent"

    exported = client.get(f"/cases/{case_id}/audit/history.json")
    assert exported.mimetype == "application/json" and "attachment" in exported.headers["Content-Disposition"]
    body = json.loads(exported.data)
    assert (body["case_id"], body["process"], body["exported_by"]) == (case_id, "reintegration", "olu.attendance")
    assert [{k: v for k, v in e.items() if k != "step"} for e in body["events"]] == history


def test_csv_cells_that_look_like_formulas_are_quoted():
    from engine.csv_export import cell, write_csv
    from web import audit

    assert audit.write_csv is write_csv  # the one shared writer (engine.csv_export)
    assert [cell(v) for v in ("=1+1", "+44", "-2", "@SUM(A1)", "plain", "")] == [
        "'=1+1", "'+44", "'-2", "'@SUM(A1)", "plain", ""]


def test_printable_record_lists_every_event_and_says_it_verified(web_world, signed_in):
    case_id = web_world.placement
    with web_world.runtime.engine() as eng:
        history = eng.history(case_id, viewer=TEST_READ)
    html = signed_in("aud.auditor").get(f"/cases/{case_id}/audit/print").get_data(as_text=True)
    assert re.findall(r'<h3 class="govuk-heading-s" id="event-(\d+)">', html) == [str(e["seq"]) for e in history]
    assert 'id="print-verified">Intact' in html and history[-1]["hash"] in html
    assert 'href="/static/print.css"' in html and "Print this page" in html


def test_verify_says_ok_then_finds_the_first_bad_event_after_tampering(web_world, signed_in):
    driven = drive(web_world.runtime, EMERGENCY_END_PATH[:4], pupil="Tam Pered")
    client = signed_in("aud.auditor")
    ok = client.get(f"/cases/{driven.case_id}/audit/verify").get_data(as_text=True)
    assert "The record is intact" in ok and "does not verify" not in ok
    with web_world.runtime.sessions() as ses:
        drop_append_only_triggers(ses)
        event = ses.scalars(select(HistoryEvent).where(HistoryEvent.case_id == driven.case_id,
                                                       HistoryEvent.element == "gather_information")).one()
        event.data = {**event.data, "data": {**event.data["data"], "attendance_percent": 99}}
        bad = event.seq
        ses.commit()
    html = client.get(f"/cases/{driven.case_id}/audit/verify").get_data(as_text=True)
    assert f"The record does not verify: the first bad event is {bad}" in html
    assert "hash chain is broken" in html
    assert f'href="/cases/{driven.case_id}/audit?step={bad}#audit-step"' in html
    printed = client.get(f"/cases/{driven.case_id}/audit/print").get_data(as_text=True)
    assert f"Does not verify: first bad event {bad}" in printed


def test_every_view_is_in_the_access_log(web_world, signed_in):
    case_id = web_world.other_case
    auditor, la = signed_in("aud.auditor"), signed_in("lee.la")
    auditor.get(f"/cases/{case_id}/audit?step=1")
    la.get(f"/cases/{case_id}/audit/history.csv")
    auditor.get(f"/cases/{case_id}/audit/verify")
    signed_in("una.ap").get(f"/cases/{case_id}/forms")
    signed_in("olu.attendance").get(f"/cases/{case_id}")  # the case page is a view too
    with web_world.runtime.engine() as eng:
        log = [(e["actor"], e["action"]) for e in eng.access_log(case_id)]
    # one line per page: a page that reads the case, its history and a replay is one read
    assert log == [("olu.attendance", "viewed case"), ("una.ap", "viewed case"), ("aud.auditor", "viewed case"),
                   ("lee.la", "read history"), ("aud.auditor", "viewed case")]
    html = auditor.get(f"/cases/{case_id}/audit").get_data(as_text=True)
    section = html[html.index('id="audit-access"'):]
    assert section.count('<tr class="govuk-table__row"><td') == 6  # this view too
    assert "una.ap" in section and "read history" in section


def test_the_access_log_is_paged_newest_first_and_the_audit_page_shows_the_latest(web_world, signed_in):
    from datetime import timedelta

    from engine.models import AccessLog
    from engine.reads import ACCESS_PAGE_SIZE

    case_id, rt = web_world.other_case, web_world.runtime
    start = rt.clock.now() - timedelta(days=200)
    with rt.sessions() as session:  # 120 earlier views, one a day, by "viewer 1" .. "viewer 120"
        session.add_all(AccessLog(case_id=case_id, actor=f"viewer {n}", at=start + timedelta(days=n), action="viewed case")
                        for n in range(1, 121))
        session.commit()
    auditor = signed_in("aud.auditor")
    first = auditor.get(f"/cases/{case_id}/audit/access").get_data(as_text=True)  # this view is the 121st
    rows = re.findall(r'data-label="Who">([^<]+)</td>', first)
    assert len(rows) == ACCESS_PAGE_SIZE == 50 and rows[:3] == ["aud.auditor", "viewer 120", "viewer 119"]
    assert "121 views, newest first; page 1 of 3" in first
    assert f'href="/cases/{case_id}/audit/access?page=2"' in first and "govuk-pagination" in first
    last = auditor.get(f"/cases/{case_id}/audit/access?page=3").get_data(as_text=True)
    # the view of page 3 is the 122nd line: page 3 holds lines 101 to 122, the first 22 views
    assert re.findall(r'data-label="Who">([^<]+)</td>', last) == [f"viewer {n}" for n in range(22, 0, -1)]
    assert auditor.get(f"/cases/{case_id}/audit/access?page=99").status_code == 200  # past the end: the last page
    audit = auditor.get(f"/cases/{case_id}/audit").get_data(as_text=True)
    section = audit[audit.index('id="audit-access"'):]
    # this view and the three above are four more
    assert len(re.findall(r'data-label="Who">', section)) == 10 and "The latest 10 of 124 views" in section
    assert f'href="/cases/{case_id}/audit/access"' in section
    assert signed_in("ava.ap").get(f"/cases/{case_id}/audit/access").status_code == 403

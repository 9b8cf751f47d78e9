"""A service-task handler that raises while a person completes a task (a bug, a broken policy file):
the case is left exactly as it was, the person is told it was not their fault and keeps every answer,
the API answers 500 in its JSON shape, the operator's log has the cause, and once the handler
works again the same submission goes through."""
from __future__ import annotations

import logging

import pytest

from cli.scenarios import CONSENT_REFUSED_PATH
from engine.models import Case, HistoryEvent
from tests.conftest import TEST_READ, WEB_NOW
from tests.web_helpers import post

# Valid answers (consent given on the web clock's day: a past-only date may not be later), so it is the
# handler that fails, not the form's checks.
CONSENT_DAY = WEB_NOW.date()
REFUSED = {**CONSENT_REFUSED_PATH["record_parental_consent"], "consent_date": CONSENT_DAY.isoformat()}
# The same answers as the web form sends them: radios as true/false, the date in three boxes.
REFUSED_FORM = {
    "parent_name": REFUSED["parent_name"], "relationship": REFUSED["relationship"],
    "has_parental_responsibility": "true", "other_parent_agreement": REFUSED["other_parent_agreement"],
    "understands_reasons": "true", "parent_agrees": "false", "preferred_school": "",
    "consent_to_share_information": "false", "consent_date-day": str(CONSENT_DAY.day),
    "consent_date-month": str(CONSENT_DAY.month), "consent_date-year": str(CONSENT_DAY.year),
}


@pytest.fixture
def broken_handlers(web_world, monkeypatch):
    """Every service-task handler raises, as a bug in one would; `mend()` puts them back."""
    registry = web_world.runtime.registry

    def broken(ctx):
        raise RuntimeError("policy value missing: contacts.la_admissions")

    monkeypatch.setattr(registry, "handler", lambda name: broken)
    return lambda: monkeypatch.undo()


def _snapshot(web_world, case_id: str) -> tuple:
    with web_world.runtime.sessions() as s:
        case = s.get(Case, case_id)
        events = s.query(HistoryEvent).filter_by(case_id=case_id).count()
        return case.revision, case.status, case.history_seq, events


def test_the_web_form_says_it_was_not_saved_and_keeps_every_answer(web_world, signed_in, broken_handlers, caplog):
    case_id = web_world.other_case
    task = web_world.task_id(case_id, "record_parental_consent")
    before = _snapshot(web_world, case_id)
    client = signed_in("una.ap")
    check = post(client, f"/tasks/{task}", REFUSED_FORM)  # the answers pass the form's checks: on to confirm
    assert check.status_code == 200 and "Check your answers" in check.get_data(as_text=True)
    with caplog.at_level(logging.ERROR, logger="engine.runtime"):
        failed = post(client, f"/tasks/{task}/confirm", REFUSED_FORM)
    html = failed.get_data(as_text=True)
    assert failed.status_code == 500 and "There is a problem" in html
    assert "‘Record that the parent did not agree’, failed" in html  # the step's name in the diagram
    assert "Nothing was saved" in html and f"quoting case {case_id}" in html
    assert f'value="{REFUSED["parent_name"]}"' in html and f'value="{CONSENT_DAY.year}"' in html  # the answers are kept
    assert "policy value missing" not in html  # the cause is for the operator's log, not the page
    assert "policy value missing: contacts.la_admissions" in caplog.text and case_id in caplog.text
    assert _snapshot(web_world, case_id) == before  # nothing half-written
    broken_handlers()  # the operator fixes it; the same answers go through
    done = post(client, f"/tasks/{task}/confirm", REFUSED_FORM)
    assert done.status_code == 302
    with web_world.runtime.engine() as eng:
        assert eng.show_case(case_id, viewer=TEST_READ)["data"]["outcome"] == "not_agreed"


def test_the_api_answers_500_with_what_failed_and_the_task_stays_ready(web_app, web_world, broken_handlers):
    case_id = web_world.other_case
    task = web_world.task_id(case_id, "record_parental_consent")
    before = _snapshot(web_world, case_id)
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {web_world.tokens['una.ap']}"}
    failed = client.post(f"/api/v1/tasks/{task}/complete", json={"data": REFUSED}, headers=headers)
    assert failed.status_code == 500 and failed.json["error"] == "handlerfailed"
    assert "record_not_agreed" in failed.json["message"] and "policy value missing" in failed.json["message"]
    assert _snapshot(web_world, case_id) == before
    assert client.get(f"/api/v1/tasks/{task}", headers=headers).status_code == 200  # still ready
    broken_handlers()
    again = client.post(f"/api/v1/tasks/{task}/complete", json={"data": REFUSED}, headers=headers)
    assert again.status_code == 200 and again.json["data"]["outcome"] == "not_agreed"

"""Retention: a closed case past the policy's years has its personal data erased (history payloads,
case data, saved workflow data, mail, the reports' characteristics); its hash chain still verifies,
`replay --verify` and `audit verify` say "redacted", never "tampered"; its export says what was
erased and when; a case inside its retention, and a running case, are untouched. The database lets
retention erase a payload and nothing else."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from cli import scenarios as s
from engine.history import verify_chain
from engine.models import Case, HistoryEvent, OutboxMessage
from engine.retention import apply_retention
from engine.serialization import unpack
from schooling.facts.reintegration_model import ReintegrationFacts
from schooling.models import CaseFacts
from tests.conftest import REINTEGRATION
from tests.integration.test_replay__verify import step

SIX_YEARS_AND_A_DAY = 6 * 366 + 1


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    return harness


def refused(h, pupil: str) -> str:
    """A case that closes at once: the parent refuses consent."""
    case_id = h.call("start_case", "reintegration", {**s.START_DATA, "pupil_name": pupil}, "ava.ap")["case_id"]
    h.clock.advance(hours=4)
    h.complete(case_id, "record_parental_consent", s.CONSENT_REFUSED_PATH["record_parental_consent"], "ava.ap")
    assert h.call("show_case", case_id)["status"] == "completed"
    return case_id


def ended(h, pupil: str) -> str:
    """A case that ends in an unsuccessful placement: its failure letter goes to the parent."""
    case_id = h.call("start_case", "reintegration", {**s.START_DATA, "pupil_name": pupil}, "ava.ap")["case_id"]
    for element, data in s.HAPPY_PATH.items():
        if element == "interim_review_1":
            break
        step(h, case_id, element, data)
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "fight"}, "hana.host")
    step(h, case_id, "hold_emergency_review", s.EMERGENCY_REVIEW_END)
    for element in ("record_unsuccessful_outcome", "confirm_failure_decision", "remove_from_roll"):
        step(h, case_id, element, s.UNSUCCESSFUL_PATH[element])
    assert h.call("show_case", case_id)["status"] == "completed"
    return case_id


def closed_old_and_new(h) -> tuple[str, str, str]:
    old = ended(h, "Olive Old")
    running = h.call("start_case", "reintegration", {**s.START_DATA, "pupil_name": "Rita Running"}, "ava.ap")["case_id"]
    h.clock.advance(days=SIX_YEARS_AND_A_DAY)
    recent = refused(h, "Nina New")
    return old, recent, running


def rows(h, model, case_id):
    return h.query(lambda ses: list(ses.scalars(select(model).where(model.case_id == case_id))))


def test_a_dry_run_names_the_cases_due_and_changes_nothing(h):
    old, recent, running = closed_old_and_new(h)
    before = h.call("history", old)
    due = apply_retention(h.transaction, "system", dry_run=True)
    assert [(r["case_id"], r["redacted"]) for r in due] == [(old, False)]
    assert h.call("history", old) == before
    assert h.call("show_case", old)["data"]["pupil_name"] == "Olive Old"


def test_a_closed_case_past_retention_is_redacted_and_still_verifies(h):
    old, recent, running = closed_old_and_new(h)
    untouched = {c: (h.call("show_case", c), h.call("history", c)) for c in (recent, running)}
    assert rows(h, OutboxMessage, old), "the refusal sends mail, which retention must erase"
    done = apply_retention(h.transaction, "ada.admin")
    assert [r["case_id"] for r in done] == [old]
    erased = done[0]["erased"]
    assert erased["history_payloads"] == len(h.call("history", old)) and "pupil_name" in erased["case_fields"]

    events = rows(h, HistoryEvent, old)
    assert all(e.data is None and e.salt is None and len(e.digest) == 64 for e in events)
    assert verify_chain(sorted(events, key=lambda e: e.seq)) is None
    shown = h.call("show_case", old)
    assert set(shown["data"]) <= {"ap_setting", "home_school", "host_school", "local_authority", "outcome"}
    assert shown["data"]["ap_setting"] == s.START_DATA["ap_setting"]
    state = h.query(lambda ses: unpack(ses.get(Case, old).state))
    assert "Olive" not in state and s.START_DATA["parent_email"] not in state
    assert all(m.body == "[erased]" and "@" not in m.recipient + m.idempotency_key for m in rows(h, OutboxMessage, old))
    assert all(f.gender is None and f.looked_after is None for f in rows(h, ReintegrationFacts, old))
    assert len(rows(h, CaseFacts, old)) == 1  # the shared facts stay: they name no one
    assert all(e["redacted"] and e["data"] == {} for e in h.call("history", old))

    result = h.call("replay", old, verify=True)
    assert result["ok"] and result["status"] == "redacted", result["problems"]
    assert result["redacted_events"] == len(events)
    assert result["redactions"][0]["by"] == "ada.admin" and result["redactions"][0]["at"] == h.clock.now().isoformat()

    for case_id, (case, history) in untouched.items():
        assert h.call("show_case", case_id) == case and h.call("history", case_id) == history
        again = h.call("replay", case_id, verify=True)
        assert again["ok"] and again["status"] == "verified" and not again["redacted_events"]
    assert apply_retention(h.transaction, "system") == []  # once is enough


def test_the_export_says_what_was_redacted_and_when(h):
    old, _recent, _running = closed_old_and_new(h)
    apply_retention(h.transaction, "system")
    from engine.subject_access import export_archive

    with h.transaction() as eng:
        name, content, summary = export_archive(eng, old, "dee.dpo")
    archive = zipfile.ZipFile(io.BytesIO(content))
    document = json.loads(archive.read("subject-access.json"))
    (record,) = document["cases"]
    assert record["redactions"][0]["at"] == h.clock.now().isoformat()
    assert record["redactions"][0]["reason"] == "retention: closed more than 6 years ago"
    assert all(e["redacted"] for e in record["history"])
    html = archive.read("subject-access.html").decode()
    assert "What was erased under the retention policy" in html and "retention: closed more than 6 years" in html
    assert "Olive" not in html and "Olive" not in archive.read("subject-access.json").decode()


def test_audit_verify_reports_redacted_not_failed(h, run_cli, monkeypatch):
    old, recent, _running = closed_old_and_new(h)
    apply_retention(h.transaction, "system")
    code, out, err = run_cli("audit", "verify", old, recent, "--json")
    summary = json.loads(out)
    assert code == 0, err
    assert summary["failed"] == 0 and summary["redacted"] == [old]
    code, out, _err = run_cli("replay", old, "--verify")
    assert code == 0 and "redacted" in out and "tampered" not in out


def test_the_database_lets_retention_erase_a_payload_and_nothing_else(h):
    old, _recent, _running = closed_old_and_new(h)
    where = (HistoryEvent.case_id == old) & (HistoryEvent.seq == 1)
    for change in (update(HistoryEvent).where(where).values(actor="someone else"),
                   update(HistoryEvent).where(where).values(data=None, salt=None, actor="someone else"),
                   update(HistoryEvent).where(where).values(data=None, salt=None, digest="0" * 64),
                   update(HistoryEvent).where(where).values(data={"pupil_name": "Someone Else"}),
                   update(HistoryEvent).where(where).values(data=None),  # the salt would let it be guessed
                   delete(HistoryEvent).where(where)):
        with h.sessions() as ses, pytest.raises(DBAPIError, match="append-only"):
            ses.execute(change)
    with h.sessions() as ses:
        ses.execute(update(HistoryEvent).where(where).values(data=None, salt=None))
        ses.commit()
    result = h.call("replay", old, verify=True)
    assert result["ok"] and result["status"] == "redacted"


def test_an_edited_digest_of_a_redacted_event_is_tampering(h):
    old, _recent, _running = closed_old_and_new(h)
    apply_retention(h.transaction, "system")
    with h.sessions() as ses:
        if ses.get_bind().dialect.name == "postgresql":
            ses.execute(text("ALTER TABLE history_events DISABLE TRIGGER history_events_append_only"))
        else:
            ses.execute(text("DROP TRIGGER history_events_no_update"))
        ses.execute(update(HistoryEvent).where(HistoryEvent.case_id == old, HistoryEvent.seq == 2)
                    .values(digest="f" * 64))
        ses.commit()
    result = h.call("replay", old, verify=True)
    assert not result["ok"] and result["status"] == "tampered" and result["first_bad_event"] == 2


def test_a_running_case_is_never_redacted(h):
    _old, _recent, running = closed_old_and_new(h)
    with h.transaction() as eng:
        case = eng.session.get(Case, running)
        from engine.retention import RetentionPolicy, redact_case

        with pytest.raises(ValueError, match="only closed cases"):
            redact_case(eng.session, case, eng.clock.now(), "system", RetentionPolicy.of(eng.policy),
                        eng.registry.extensions)

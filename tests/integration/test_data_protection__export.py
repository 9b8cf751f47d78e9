"""A subject access request: `reintegrate case export` and the data protection officer's button make
one zip of everything held about the pupil across every process (case data, every event, the mail
sent, the access log), as HTML for a person and JSON for a machine; each case exported is a read on
its access log. The DPO reads every case and changes none."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from cli import scenarios as s
from tests.conftest import REINTEGRATION
from tests.integration import timetable_cases as tt
from tests.integration.test_retention__redaction import ended
from tests.web_helpers import post


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    tt.deploy(harness, tt.TIMETABLE)
    tt.add_staff(harness)
    return harness


def jordans_cases(h) -> tuple[str, str, str]:
    """Jordan's reintegration (ended, with a failure letter), Jordan's timetable, and another pupil's case."""
    reintegration = ended(h, s.START_DATA["pupil_name"])
    timetable = h.call("start_case", "reintegration_timetable", {**tt.START, "pupil_name": "  jordan   ELLIS "},
                       "omar.home")["case_id"]
    other = h.call("start_case", "reintegration", {**s.START_DATA, "pupil_name": "Someone Else"}, "ava.ap")["case_id"]
    return reintegration, timetable, other


def read_archive(path) -> tuple[dict, str]:
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["subject-access.html", "subject-access.json"]
        return json.loads(archive.read("subject-access.json")), archive.read("subject-access.html").decode()


def test_the_command_exports_every_case_of_the_pupil(h, run_cli, tmp_path):
    reintegration, timetable, other = jordans_cases(h)
    h.call("show_case", reintegration, viewer="lee.la")
    code, out, err = run_cli("case", "export", reintegration, "--out", str(tmp_path), "--as", "dee.dpo", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["case_ids"] == [reintegration, timetable]
    document, html = read_archive(summary["archive"])
    request = document["subject_access_request"]
    assert request["requested_case"] == reintegration and request["exported_by"] == "dee.dpo"
    first, second = document["cases"]
    assert first["case"]["data"]["pupil_dob"] == "2012-05-14" and first["case"]["process"] == "reintegration"
    assert [e["seq"] for e in first["history"]] == list(range(1, len(first["history"]) + 1))
    letters = [m for m in first["mail"] if m["kind"] == "failure_letter" and m["to"] == s.START_DATA["parent_email"]]
    assert letters and letters[0]["body"].strip()
    assert ("lee.la", "viewed case") in {(r["actor"], r["action"]) for r in first["access_log"]}
    assert ("dee.dpo", "subject access export") in {(r["actor"], r["action"]) for r in first["access_log"]}
    assert second["case"]["process"] == "reintegration_timetable"
    assert other not in json.dumps(document)
    assert "<h1>Information held about Jordan Ellis</h1>" in html and f"Case {reintegration}: reintegration" in html
    assert "Who has read this case" in html and "Letters and emails" in html
    for case_id in (reintegration, timetable):  # one line each (the command's clock is not the harness's)
        log = [(r["actor"], r["action"]) for r in h.call("access_log", case_id)]
        assert log.count(("dee.dpo", "subject access export")) == 1 and ("dee.dpo", "viewed case") not in log


def test_free_text_is_escaped_in_the_html(h, run_cli, tmp_path):
    case_id = h.call("start_case", "reintegration", {**s.START_DATA, "parent_name": "<script>x()</script>"},
                     "ava.ap")["case_id"]
    code, out, err = run_cli("case", "export", case_id, "--out", str(tmp_path), "--json")
    assert code == 0, err
    _document, html = read_archive(json.loads(out)["archive"])
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def test_bad_input_is_refused_and_writes_nothing(h, run_cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    code, _out, err = run_cli("case", "export", "R-NOSUCH", "--out", str(out))
    assert code != 0 and "no case" in err
    code, _out, err = run_cli("case", "export", "R-NOSUCH", "--out", str(tmp_path / "missing"))
    assert code == 2 and "no such directory" in err
    assert list(out.iterdir()) == []


def test_the_dpo_button_downloads_the_archive(web_world, signed_in):
    case_id = web_world.placement
    dpo = signed_in("dee.dpo")
    page = dpo.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Export everything held about this pupil" in page
    response = dpo.get(f"/cases/{case_id}/subject-access.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"subject-access-{case_id}-" in response.headers["Content-Disposition"]
    document, html = read_archive(io.BytesIO(response.data))
    assert document["cases"][0]["case"]["data"]["pupil_name"] == "Kim Placement" and "Kim Placement" in html
    for name in ("aud.auditor", "ada.admin", "lee.la"):
        client = signed_in(name)
        assert "Export everything held" not in client.get(f"/cases/{case_id}").get_data(as_text=True)
        assert client.get(f"/cases/{case_id}/subject-access.zip").status_code == 403
    assert signed_in("wes.wrong").get(f"/cases/{case_id}/subject-access.zip").status_code == 404


def test_the_dpo_reads_every_case_and_changes_none(web_world, signed_in):
    dpo = signed_in("dee.dpo")
    task = web_world.task_id(web_world.placement, "interim_review_1")
    assert dpo.get(f"/cases/{web_world.other_case}").status_code == 200
    assert dpo.get(f"/cases/{web_world.placement}/audit").status_code == 200
    assert post(dpo, f"/tasks/{task}").status_code == 403
    assert post(dpo, f"/cases/{web_world.placement}/emergency-review").status_code in (403, 409)
    assert web_world.task_id(web_world.placement, "interim_review_1") == task


def test_a_redacted_case_still_opens_on_every_page(web_world, signed_in):
    from datetime import timedelta

    from engine.retention import apply_retention
    from tests.integration.reintegration_cases import EMERGENCY_END_PATH, drive

    rt = web_world.runtime
    case_id = drive(rt, EMERGENCY_END_PATH, pupil="Fay Failed").case_id
    rt.clock.set(rt.clock.now() + timedelta(days=7 * 366))
    assert [r["case_id"] for r in apply_retention(rt.engine, "system")] == [case_id]
    auditor, dpo = signed_in("aud.auditor"), signed_in("dee.dpo")
    for path in ("", "/audit", "/audit?step=1", "/audit/verify", "/audit/history.csv", "/audit/history.json",
                 "/audit/print", "/forms"):
        response = auditor.get(f"/cases/{case_id}{path}")
        assert response.status_code == 200, path
        assert "Fay" not in response.get_data(as_text=True), path
    assert "redacted" in auditor.get(f"/cases/{case_id}/audit/verify").get_data(as_text=True)
    document, html = read_archive(io.BytesIO(dpo.get(f"/cases/{case_id}/subject-access.zip").data))
    assert document["cases"][0]["redactions"] and "Fay" not in html

"""DMN decision tables deployed with a diagram: found beside it, validated, hashed, stored and parsed."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from cli.main import main
from engine.dmn import content_hash, documents_beside
from engine.errors import InvalidProcess
from engine.models import ProcessVersion
from tests.integration.timetable_cases import TIMETABLE, deploy

DMN = TIMETABLE.parent / "meeting_attendees.dmn"


def copy(tmp_path, dmn_text: str | None = None):
    path = tmp_path / TIMETABLE.name
    shutil.copy(TIMETABLE, path)
    if dmn_text is not None:
        (tmp_path / DMN.name).write_text(dmn_text)
    return path


def problems(harness, path) -> list[str]:
    return [str(p) for p in harness.call("validate", path.read_bytes(), str(path), documents_beside(path))]


def test_the_dmn_beside_the_diagram_is_deployed_with_it(harness):
    assert set(documents_beside(TIMETABLE)) == {"meeting_attendees.dmn"}
    assert deploy(harness, TIMETABLE)["created"] is True
    assert deploy(harness, TIMETABLE)["created"] is False
    documents, digest = harness.query(lambda ses: ses.execute(
        select(ProcessVersion.documents, ProcessVersion.content_hash)).one())
    assert documents == {"meeting_attendees.dmn": DMN.read_text()}
    assert digest == content_hash(TIMETABLE.read_bytes(), {"meeting_attendees.dmn": DMN.read_bytes()})
    assert digest != content_hash(TIMETABLE.read_bytes())


def test_a_changed_decision_table_is_a_new_version(harness, tmp_path):
    deploy(harness, TIMETABLE)
    changed = DMN.read_text().replace('"SEN team (local authority)"', '"SEN team"')
    deployed = deploy(harness, copy(tmp_path, changed))
    assert {k: deployed[k] for k in ("process", "version", "created", "active")} == {
        "process": "reintegration_timetable", "version": 2, "created": True, "active": 2}
    diff = harness.call("diff_versions", "reintegration_timetable", 1, 2)
    assert "decide_meeting_attendees" in diff["changed"]


def test_missing_dmn_is_reported_at_the_rule_task(harness, tmp_path):
    path = copy(tmp_path)
    found = problems(harness, path)
    assert len(found) == 1
    assert "decide_meeting_attendees: camunda:decisionRef 'meeting_attendees' names no decision" in found[0]
    assert found[0].startswith(f"{path}:")
    with pytest.raises(InvalidProcess):
        harness.call("deploy", path.read_bytes(), str(path), "system", {})


def test_unparseable_dmn_and_unknown_decision_and_refused_cells(harness, tmp_path):
    path = copy(tmp_path, "<definitions><decision")
    assert any(p.startswith("meeting_attendees.dmn:1: not well-formed XML") for p in problems(harness, path))
    renamed = DMN.read_text().replace('decision id="meeting_attendees"', 'decision id="attendees"')
    found = harness.call("validate", TIMETABLE.read_bytes(), str(TIMETABLE), {"attendees.dmn": renamed.encode()})
    line = next(n for n, text in enumerate(TIMETABLE.read_text().splitlines(), 1) if 'id="decide_meeting' in text)
    assert [str(p) for p in found] == [
        f"{TIMETABLE}:{line}: decide_meeting_attendees: camunda:decisionRef 'meeting_attendees' names no decision: "
        "put meeting_attendees.dmn beside the diagram (decisions found: attendees)"]
    bad_cell = DMN.read_text().replace("<text>looked_after</text>", "<text>__import__('os')</text>")
    path = copy(tmp_path, bad_cell)
    found = problems(harness, path)
    assert [p for p in found if p.startswith("meeting_attendees.dmn:") and "input expression" in p]


def test_cli_validates_and_deploys_with_the_dmn(db_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", db_url)
    monkeypatch.setenv("REINTEGRATE_ENV", "test")
    monkeypatch.setenv("REINTEGRATE_FAKE_NOW", "2026-03-02T09:00:00+00:00")
    assert main(["init-db"]) == 0
    capsys.readouterr()
    assert main(["process", "validate", str(TIMETABLE)]) == 0
    assert main(["process", "validate", str(copy(tmp_path))]) == 1
    assert "names no decision" in capsys.readouterr().out
    assert main(["process", "list", "--json"]) == 0
    versions = json.loads(capsys.readouterr().out)
    assert {v["process"] for v in versions} >= {"reintegration_timetable", "semh_placement"}

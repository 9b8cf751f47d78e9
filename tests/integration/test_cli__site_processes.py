"""`init-db` deploys the site's own processes when REINTEGRATE_PROCESSES_DIR points at them, and the
shipped ones otherwise; a setting that points nowhere fails in one line and changes nothing."""
from __future__ import annotations

import json
import shutil

from engine import locations


def test_init_db_deploys_the_shipped_processes(run_cli):
    code, out, _ = run_cli("init-db", "--json")
    assert code == 0
    assert {d["process"] for d in json.loads(out)["deployed"]} >= {"reintegration", "semh_placement"}


def test_init_db_deploys_a_sites_own_folder(run_cli, monkeypatch, tmp_path):
    shutil.copy(locations.packaged("processes", "outreach_support.bpmn"), tmp_path)
    monkeypatch.setenv("REINTEGRATE_PROCESSES_DIR", str(tmp_path))
    code, out, _ = run_cli("init-db", "--json")
    assert code == 0
    assert [d["process"] for d in json.loads(out)["deployed"]] == ["outreach_support"]


def test_a_processes_dir_that_does_not_exist_is_refused(run_cli, monkeypatch, tmp_path, db_url):
    from sqlalchemy import inspect

    from engine.db import make_engine

    monkeypatch.setenv("REINTEGRATE_PROCESSES_DIR", str(tmp_path / "missing"))
    code, out, err = run_cli("init-db")
    assert code == 2 and out == ""
    assert err == f"reintegrate: REINTEGRATE_PROCESSES_DIR is not a folder: {tmp_path / 'missing'}\n"
    assert inspect(make_engine(db_url)).get_table_names() == []  # no schema was created

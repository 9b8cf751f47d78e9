"""Migration 0004 fills case_facts for the cases that existed before it, from their data, as the engine
would have; downgrading drops the table again."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select

from cli import scenarios as s
from engine.db import ROOT
from schooling.models import CaseFacts
from tests.integration.test_reports__service_figures import OUTREACH


def _migrate(h, fn, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with h.db.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, revision)


def test_existing_cases_get_their_facts(harness):
    harness.deploy(OUTREACH)
    case_id = harness.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "ada.admin")["case_id"]
    before = harness.query(lambda ses: ses.get(CaseFacts, case_id))
    _migrate(harness, command.downgrade, "0003")
    assert "case_facts" not in inspect(harness.db).get_table_names()
    _migrate(harness, command.upgrade, "head")
    after = harness.query(lambda ses: ses.scalars(select(CaseFacts)).all())
    assert [f.case_id for f in after] == [case_id]
    columns = [c.name for c in CaseFacts.__table__.columns if c.name != "updated_at"]
    assert {c: getattr(after[0], c) for c in columns} == {c: getattr(before, c) for c in columns}

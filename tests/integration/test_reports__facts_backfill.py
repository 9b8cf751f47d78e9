"""Migration 0004 fills case_facts for the cases that existed before it, from their data, as the engine
would have, and migration 0018 moves each process's own facts to its table; downgrading drops them again."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, select

from cli import scenarios as s
from engine.db import ROOT
from schooling.facts.outreach_support_model import OutreachSupportFacts
from schooling.models import CaseFacts
from tests.integration.test_reports__service_figures import OUTREACH


def _migrate(h, fn, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    with h.db.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, revision)


def _rows(harness, model) -> list[dict]:
    return harness.query(lambda ses: [{c.name: getattr(row, c.name) for c in model.__table__.columns}
                                      for row in ses.scalars(select(model))])


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
def test_existing_cases_get_their_facts(harness):
    harness.deploy(OUTREACH)
    case_id = harness.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "ada.admin")["case_id"]
    before = {model: _rows(harness, model) for model in (CaseFacts, OutreachSupportFacts)}
    assert [row["case_id"] for row in before[OutreachSupportFacts]] == [case_id]
    _migrate(harness, command.downgrade, "0003")
    assert not {"case_facts", "outreach_support_facts"} & set(inspect(harness.db).get_table_names())
    _migrate(harness, command.upgrade, "head")
    assert {model: _rows(harness, model) for model in before} == before

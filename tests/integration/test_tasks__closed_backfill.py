"""Migration 0005 records the tasks completed before it, from their history events, so that a late
answer to one is still told who completed it; downgrading drops the table again."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select

from cli import scenarios as s
from cli.demo_data import ACTOR_BY_LANE
from engine.errors import Conflict
from engine.models import ClosedTask
from tests.conftest import REINTEGRATION
from tests.integration.test_reports__facts_backfill import _migrate


def test_tasks_completed_before_the_table_existed_are_recorded(harness):
    harness.deploy(REINTEGRATION)
    case_id = harness.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    done = []
    for element, data in list(s.HAPPY_PATH.items())[:3]:
        task = harness.task(case_id, element)
        harness.catch_up(data, task["form"])
        harness.call("complete_task", task["task_id"], data, ACTOR_BY_LANE[task["lane"]])
        done.append((task["task_id"], element, ACTOR_BY_LANE[task["lane"]]))
    _migrate(harness, command.downgrade, "0004")
    assert "closed_tasks" not in inspect(harness.db).get_table_names()
    _migrate(harness, command.upgrade, "head")
    rows = harness.query(lambda ses: ses.scalars(select(ClosedTask)).all())
    assert sorted((r.task_id, r.element, r.closed_by, r.how, r.case_id) for r in rows) == \
        sorted((t, e, a, "completed", case_id) for t, e, a in done)
    first, element, actor = done[0]
    with pytest.raises(Conflict, match=f"{actor} completed it"):
        harness.call("complete_task", first, s.HAPPY_PATH[element], actor)

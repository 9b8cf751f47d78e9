"""Report facts are written only when a step changes them: a step that changes no fact issues no
statement on the facts tables, one that changes a shared fact writes `case_facts` alone, and after every
step the stored facts are those of the case's data."""
from __future__ import annotations

import re

from sqlalchemy import event, select

from cli import scenarios as s
from engine.models import Case
from schooling.facts.reintegration_model import ReintegrationFacts
from schooling.models import CaseFacts
from schooling.report_facts import rows_of
from tests.conftest import REINTEGRATION

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}
FACTS_TABLE = re.compile(r"\b(case_facts|\w+_facts)\b")


def _stored(h, case_id: str) -> tuple[dict, dict]:
    def read(ses):
        common = ses.execute(select(CaseFacts.__table__).where(CaseFacts.case_id == case_id)).one()._asdict()
        own = ses.execute(select(ReintegrationFacts.__table__).where(ReintegrationFacts.case_id == case_id)).one()
        return common, own._asdict()
    return h.query(read)


def _built(h, case_id: str) -> tuple[dict, dict]:
    common, _, own = h.query(lambda ses: rows_of(ses.get(Case, case_id)))
    return common, own


def test_a_step_that_changes_no_fact_writes_none_and_the_stored_facts_follow_the_data(harness):
    h = harness
    h.deploy(REINTEGRATION)
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    statements: list[str] = []
    event.listen(h.db, "before_cursor_execute", lambda conn, cur, sql, *args: statements.append(sql))
    written = {}
    for element, data in s.HAPPY_PATH.items():
        task = h.task(case_id, element)
        h.catch_up(data, task["form"])
        before = _stored(h, case_id)
        statements.clear()
        h.call("complete_task", task["task_id"], data, ACTORS[task["lane"]])
        written[element] = [FACTS_TABLE.search(sql).group(1) for sql in statements if FACTS_TABLE.search(sql)]
        after = _stored(h, case_id)
        assert after == _built(h, case_id), element
        changed = [table for table, old, new in zip(("case_facts", "reintegration_facts"), before, after, strict=True)
                   if old != new]
        assert written[element] == changed, element
    assert written["offer_visit"] == written["interim_review_1"] == written["final_review"] == []
    assert written["allocate_place"] == ["case_facts"]  # the host school: a shared fact
    assert written["record_parental_consent"] == ["case_facts"]  # the year, from the consent's date
    assert sum(not tables for tables in written.values()) >= 8

"""One school's pupils by academic year, counted in three parts (the school as home, as host, as AP)
so that each is an index seek: every case in which the school takes part is counted exactly once,
whichever columns it stands in and whatever the others hold (null included), on both databases."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

from engine.db import make_engine, session_factory, upgrade
from engine.models import Case, ProcessVersion
from engine.permissions import Actor
from schooling.facts.outreach_support_model import OutreachSupportFacts as O
from schooling.models import CaseFacts
from schooling.policy import load_policy
from schooling.report_facts import insert_facts
from schooling.reports import make_filter, run_report
from schooling.reports.scope import school_condition

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
SCHOOL = "Kingsmead High School"
OTHERS = (None, "Westfield School")


def _cases():
    """Every way the school can stand in the three columns, in two years, some declined or groups."""
    n = 0
    for home, host, ap in itertools.product((SCHOOL, *OTHERS), repeat=3):
        for year, decision, request_type in (("2024/25", "accept", "individual"), ("2025/26", "accept", None),
                                             ("2025/26", "decline", "individual"), ("2025/26", "accept", "group")):
            n += 1
            facts = {}
            facts.update({"case_id": f"OS-{n:04d}", "process": "outreach_support", "status": "completed",
                          "opened_on": date(2025, 1, 6), "academic_year": year, "home_school": home,
                          "host_school": host, "ap_setting": ap, "decision": decision, "request_type": request_type,
                          "pupils": 1})
            yield facts


def test_each_case_of_the_school_counts_once_per_year(db_url):
    db = make_engine(db_url)
    upgrade(db)
    facts = list(_cases())
    with session_factory(db)() as s:
        s.execute(insert(ProcessVersion), [{"id": 1, "process_key": "outreach_support", "version": 1,
                                            "content_hash": "c" * 64, "filename": "x.bpmn", "bpmn_xml": "", "info": {},
                                            "deployed_at": NOW, "deployed_by": "test"}])
        s.execute(insert(Case), [{"id": f["case_id"], "process_version_id": 1, "process_key": f["process"],
                                  "status": "completed", "revision": 1, "state": "", "data": {}, "pupil_initials": "",
                                  "history_seq": 0, "history_hash": "0" * 64, "started_by": "test",
                                  "created_at": NOW, "updated_at": NOW} for f in facts])
        insert_facts(s, facts)
        s.commit()
        expected = dict(s.execute(
            select(CaseFacts.academic_year, func.count()).join(O, O.case_id == CaseFacts.case_id).where(
                school_condition(SCHOOL), O.decision != "decline",
                func.coalesce(O.request_type, "individual") != "group")
            .group_by(CaseFacts.academic_year)).all())
        report = run_report(s, load_policy(), "service", make_filter("2025/26", school=SCHOOL), date(2026, 3, 2),
                            viewer=Actor("system"))
        everyone = run_report(s, load_policy(), "service", make_filter("2025/26"), date(2026, 3, 2),
                              viewer=Actor("system"))
    db.dispose()
    # 19 of the 27 combinations name the school at least once; one case a year of each is supported.
    assert expected == {"2024/25": 19, "2025/26": 19}
    assert [(r["year"], r["pupils"]) for r in report.section("by_year").rows] == [("2024/25", 19), ("2025/26", 19)]
    assert [(r["year"], r["pupils"]) for r in everyone.section("by_year").rows] == [("2024/25", 27), ("2025/26", 27)]

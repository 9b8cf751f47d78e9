"""The Reintegration Service document's service figures from real outreach cases: the 14/15 cohort of 68 (21 girls, 47 boys, 14
primary, 54 secondary, KS3 62%, SEND 44%, pupil premium 44%, FSM 22%, 76% to mainstream), the 13/14
cohort of 31 beside it, a group and declined requests that are not pupils supported, and income from
the chargeable support, each figure read from case_facts."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.access import add_user
from schooling.facts.outreach_support_model import OutreachSupportFacts
from schooling.models import CaseFacts
from schooling.report_facts import extract_facts
from tests.conftest import ROOT
from tests.integration.report_cases import headline, report, rows

OUTREACH = ROOT / "processes" / "outreach_support.bpmn"
SUPPORT = ("early_intervention", "reintegration", "transition_ks2_3", "elsa", "counselling")
CHARGEABLE = ("early_intervention", "elsa", "counselling")
DESTINATION = (["mainstream_same_school"] * 40 + ["mainstream_other_school"] * 12 + ["special_school"] * 4
               + ["alternative_provision"] * 8 + ["elective_home_education", "post_16", "not_known", "post_16"])


def pupil(i: int) -> dict:
    """The i-th pupil of the 14/15 cohort: girls first, then boys; the last 14 primary."""
    primary = i >= 54
    year = 3 + i % 4 if primary else (7 + i % 3 if i < 42 else 10 + i % 2)
    support = SUPPORT[i % 5]
    return {**s.OUTREACH_REQUEST, "pupil_name": f"Pupil {i}", "gender": "female" if i < 21 else "male",
            "phase": "primary" if primary else "secondary", "year_group": year, "support_type": support,
            "send_ehcp_or_k": i < 60 and i % 2 == 0, "pupil_premium": i < 60 and i % 2 == 1,
            "free_school_meals": i < 60 and i % 4 == 1, "looked_after": i % 10 == 3, "back_from_ap_unit": False}


def supported(h, data: dict, destination: str, day: str) -> str:
    case_id = h.call("start_case", "outreach_support", data, "sue.senco")["case_id"]
    h.complete(case_id, "review_outreach_request", {**s.OUTREACH_PATH["review_outreach_request"],
                                                    "support_start_date": day,
                                                    "charge_agreed": data["support_type"] in CHARGEABLE}, "kim.outreach")
    h.complete(case_id, "record_outreach_contact", {**s.OUTREACH_PATH["record_outreach_contact"], "contact_date": day,
                                                    "next_step": "end"}, "kim.outreach")
    h.complete(case_id, "record_outreach_outcome", {"support_outcome": "completed", "destination": destination},
               "kim.outreach")
    return case_id


@pytest.fixture
def h(harness):
    with harness.sessions() as ses:
        add_user(ses, "kim.outreach", "outreach", s.OUTREACH_REQUEST["local_authority"], harness.clock.now())
        add_user(ses, "sue.senco", "home_school", s.OUTREACH_REQUEST["home_school"], harness.clock.now())
        ses.commit()
    harness.deploy(OUTREACH)
    return harness


@pytest.fixture
def cohorts(h):
    h.clock.set(datetime(2014, 2, 3, 9, tzinfo=UTC))  # 13/14: 31 requests, waiting for the co-ordinator
    for i in range(31):
        h.call("start_case", "outreach_support", {**pupil(i), "pupil_name": f"Earlier {i}"}, "sue.senco")
    for i in range(68):  # 14/15: secondary pupils in the autumn, primary from the spring term 2015
        h.clock.set(datetime(2015, 1, 12, 9, tzinfo=UTC) if i >= 54 else datetime(2014, 10, 6, 9, tzinfo=UTC))
        supported(h, pupil(i), DESTINATION[i], h.clock.now().date().isoformat())
    h.clock.set(datetime(2014, 11, 3, 9, tzinfo=UTC))
    group = h.call("start_case", "outreach_support", s.OUTREACH_GROUP_REQUEST, "sue.senco")["case_id"]
    h.complete(group, "review_outreach_request", {**s.OUTREACH_PATH["review_outreach_request"],
                                                  "support_start_date": "2014-11-03"}, "kim.outreach")
    for _ in range(2):
        declined = h.call("start_case", "outreach_support", pupil(0), "sue.senco")["case_id"]
        h.complete(declined, "review_outreach_request", {"decision": "decline", "decline_reason": "In school"},
                   "kim.outreach")
    h.clock.set(datetime(2015, 7, 1, 9, tzinfo=UTC))
    return h


def test_seed_000_cohort_of_68(cohorts):
    r = report(cohorts, "service", "2014/15")
    assert headline(r) == {"Pupils supported": 68, "Pupils in groups": 8, "Requests declined": 2,
                           "Income from traded support (£)": 40 * 150, "Chargeable weeks": 40}
    got = {k: (v["count"], v["percent"]) for k, v in rows(r, "breakdown", "group").items()}
    assert got == {"Girls": (21, 30.9), "Boys": (47, 69.1), "Other gender": (0, 0.0), "Primary": (14, 20.6),
                   "Secondary": (54, 79.4), "Key stage 1": (0, 0.0), "Key stage 2": (14, 20.6),
                   "Key stage 3": (42, 61.8), "Key stage 4": (12, 17.6), "SEND (EHC plan or SEN support)": (30, 44.1),
                   "Pupil premium": (30, 44.1), "Free school meals": (15, 22.1), "Looked after": (7, 10.3)}
    got = {k: (v["count"], v["percent"]) for k, v in rows(r, "destinations", "destination").items()}
    assert got == {"Mainstream school": (52, 76.5), "Special school": (4, 5.9), "Alternative provision": (8, 11.8),
                   "Other (home education, post-16, not known)": (4, 5.9), "Not yet recorded": (0, None)}
    # by the names the request form gives them; the 2 declined requests are not support delivered
    assert {k: v["requests"] for k, v in rows(r, "support_types", "support_type").items()} == {
        "Specialised counselling": 13, "Early intervention (individual)": 14,
        "ELSA (emotional literacy support assistant)": 13, "Reintegration support after alternative provision": 14,
        "Success in Schools early-intervention group": 1, "Transition support KS2 to KS3": 14}
    by_term = {k: (v["pupils"], v["primary"], v["secondary"]) for k, v in rows(r, "by_term", "term").items()}
    assert by_term == {"2014/15 autumn": (54, 0, 54), "2014/15 spring": (14, 14, 0), "2014/15 summer": (0, 0, 0)}
    assert [(x["year"], x["pupils"]) for x in r.section("by_year").rows] == [("2013/14", 31), ("2014/15", 68)]


def test_filters_by_term_and_school(cohorts):
    spring = report(cohorts, "service", "2014/15", term="spring")
    assert headline(spring)["Pupils supported"] == 14 and headline(spring)["Pupils in groups"] == 0
    assert rows(spring, "breakdown", "group")["Primary"]["percent"] == 100.0
    assert headline(report(cohorts, "service", "2014/15", school="Kingsmead High School"))["Pupils supported"] == 0
    earlier = report(cohorts, "service", "2013/14")
    assert headline(earlier)["Pupils supported"] == 31  # requests not yet declined are pupils asking for support
    assert rows(earlier, "destinations", "destination")["Not yet recorded"]["count"] == 31


def test_facts_follow_every_step(h):
    h.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    case_id = h.call("start_case", "outreach_support", pupil(3), "sue.senco")["case_id"]

    def facts(case_id=case_id):
        return h.query(lambda ses: (ses.scalars(select(CaseFacts).where(CaseFacts.case_id == case_id)).one(),
                                    ses.get(OutreachSupportFacts, case_id)))

    first, own = facts()
    assert (first.status, first.academic_year, own.gender, own.key_stage, own.destination) == (
        "running", "2025/26", "female", "KS3", None)
    supported_id = supported(h, pupil(3), "special_school", "2026-03-02")
    assert facts(supported_id)[1].destination_group == "special"
    h.complete(case_id, "review_outreach_request", {"decision": "decline", "decline_reason": "No"}, "kim.outreach")
    last, own = facts()
    assert (last.status, own.decision, last.outcome) == ("completed", "decline", "declined")


def test_extract_facts_is_pure_and_reads_the_forms():
    assert extract_facts("outreach_support", {"year_group": 10, "gender": "male", "send_ehcp_or_k": True,
                                              "requested_on": "2015-01-12", "destination": "post_16"}) == {
        "process": "outreach_support", "outcome": None, "home_school": None, "ap_setting": None,
        "local_authority": None, "year_group": 10, "key_stage": "KS4", "phase": "secondary", "gender": "male",
        "started_on": datetime(2015, 1, 12).date(), "academic_year": "2014/15", "financial_year": None,
        "closed_on": None, "send": True, "pupil_premium": None, "free_school_meals": None, "looked_after": None,
        "pupils": 1, "request_type": None, "support_type": None, "funding_basis": None, "decision": None,
        "destination": "post_16", "destination_group": "other", "income_total": 0, "support_weeks": 0,
        "chargeable_weeks": 0}
    timetable = extract_facts("reintegration_timetable", {"year_group": "Year 9", "start_date": "2026-03-09"})
    assert (timetable["year_group"], timetable["key_stage"], timetable["academic_year"]) == (9, "KS3", "2025/26")
    assert extract_facts("unknown", None) == {"process": "unknown", "outcome": None, "home_school": None,
                                              "ap_setting": None, "local_authority": None}

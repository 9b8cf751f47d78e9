"""Shared data and helpers for the reintegration timetable and SEMH placement tests (not a test module)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine.access import add_user
from engine.dmn import documents_beside
from engine.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
TIMETABLE = ROOT / "processes" / "reintegration_timetable.bpmn"
SEMH = ROOT / "processes" / "semh_placement.bpmn"

AUTHORITY = "Worcestershire County Council"
START = {"pupil_name": "Jordan Ellis", "pupil_dob": "2012-05-14", "home_school": "Hollybrook High School",
         "parent_name": "Samantha Ellis", "parent_email": "samantha.ellis@example.org", "local_authority": AUTHORITY}
PROPOSE = {"reason": "Severe anxiety after a long absence; full days end in panic attacks by lunchtime.",
           "proposed_start_date": "2026-03-09", "looked_after": False, "court_order": False,
           "social_care_plan": "none", "ehcp": False}
MEETING = {"meeting_date": "2026-03-04", "attended_parent_carer": True}
FULL = "3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5 3.25/2.5"
PLAN = {"register_code_c2": True, "plan_type": "pastoral_support_plan", "start_date": "2026-03-09", "full_day": "3.25/2.5",
        "weekly_timetable": "\n".join(["Week 1: 3.25/0 3.25/0 3.25/0 3.25/0 3.25/0",
                                       "Week 2: 3.25/2.5 3.25/0 3.25/2.5 3.25/0 3.25/0",
                                       "Week 3: 3.25/2.5 3.25/2.5 3.25/2.5 3.25/0 3.25/2.5",
                                       f"Week 4: {FULL}"]),
        "review_interval_weeks": 2, "supportive_interventions": "Daily check-in with the key adult",
        "environment_changes": "Quiet base for transitions", "new_skills": "Anxiety management",
        "exit_strategy": "Full days attended for 2 weeks", "named_person": "Ms R Patel, SENCo",
        "external_support": "Targeted early help family support", "alternative_provision_considered": "Not needed",
        "early_help_assessment": "started", "early_help_notes": "EHA opened by the school on 4 March"}
RISK = {"risk_assessment_date": "2026-03-05", "assessed_by": "Mr T Jones, DSL", "cse_risk": "low", "cde_risk": "low",
        "time_out_of_school_risks": "At home with mother in the afternoons", "safeguarding_measures": "Daily call",
        "recorded_in_plan": True}
AGREEMENT = {"parent_agrees": True, "agreement_date": "2026-03-05", "signed_by": "Samantha Ellis",
             "plan_and_hours_signed": True, "signed_copy_location": "Pupil file"}
SENT = {"plan_sent_date": "2026-03-06", "plan_document": "PSP-JE-2026-03.pdf"}


def review(date: str, week: int, hours: int, full: bool) -> dict:
    return {"review_date": date, "week_number": week, "hours_this_week": hours, "progress": "Settling well",
            "back_full_time": full}


def deploy(h, path: Path) -> dict:
    """Deploy a diagram with the DMN files beside it, as `reintegrate process deploy` does."""
    return h.call("deploy", path.read_bytes(), str(path), "system", documents_beside(path)).to_json()


def add_staff(h) -> None:
    with h.sessions() as ses:
        add_user(ses, "ali.attendance", "la_attendance", AUTHORITY, h.clock.now())
        add_user(ses, "oli.outreach", "outreach", AUTHORITY, h.clock.now())
        add_user(ses, "sam.semh", "semh_provider", "The Bridge School", h.clock.now())
        add_user(ses, "hal.home", "home_school", START["home_school"], h.clock.now(), email="inclusion@hollybrook.example")
        ses.commit()


def mail(h, case_id: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    return h.query(lambda ses: ses.scalars(query).all())


def verified(h, case_id: str) -> bool:
    result = h.call("replay", case_id, verify=True)
    assert result["ok"], result["problems"]
    return True

"""Realistic example cases of the Worcestershire reintegration protocol, one form's data per task.

Used by the demo data, the tests and the benchmarks, so every required field is filled. Dates are
early 2027; the demo shifts them to fall around today.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

#: A week before the consent below: a case started then meets the dates of its forms in order.
START_AT = datetime(2027, 1, 4, 9, tzinfo=UTC)


def recorded_on(clock, data: dict[str, Any], form: list[dict[str, Any]]) -> None:
    """A person records what happened on or after the day (a form's `past` dates): a fake clock still
    before the latest such date in `data` moves to that afternoon, as the days would pass."""
    past = [data[f["id"]] for f in form if f.get("date_rule") == "past" and isinstance(data.get(f["id"]), str)]
    latest = max(past, default=None)
    if latest and date.fromisoformat(latest) > clock.now().date():
        clock.set(datetime.combine(date.fromisoformat(latest), time(16), tzinfo=UTC))

#: Start form (start event ``start``).
START_DATA: dict[str, Any] = {
    "pupil_name": "Jordan Ellis",
    "pupil_dob": "2012-05-14",
    "ap_setting": "Severn Vale Learning Centre",
    "home_school": "Hollybrook High School",
    "parent_name": "Samantha Ellis",
    "parent_email": "samantha.ellis@example.org",
    "local_authority": "Worcestershire County Council",
}

#: Task id -> form data, for the happy path (consent given, place allocated in time, no emergency
#: review, final review successful, transport needed).
HAPPY_PATH: dict[str, dict[str, Any]] = {
    "record_parental_consent": {
        "parent_name": "Samantha Ellis",
        "relationship": "Mother",
        "has_parental_responsibility": True,
        "other_parent_agreement": "yes",
        "understands_reasons": True,
        "parent_agrees": True,
        "preferred_school": "Kingsmead High School",
        "consent_to_share_information": True,
        "consent_date": "2027-01-11",
    },
    "gather_information": {
        "proposed_school": "Kingsmead High School",
        "attainment": "satisfactory",
        "effort": "good",
        "attitude_to_staff": "good",
        "attitude_to_peers": "satisfactory",
        "homework": "poor",
        "reasons_for_reintegration": (
            "Jordan has had no behaviour incidents since October and has met every PSP target this term. "
            "He travels independently, responds well to a consistent key adult and is keen on Kingsmead's "
            "engineering and DT options, which we cannot offer at the centre."
        ),
        "send_level": "SEN Support - SEMH",
        "lac_status": False,
        "ethnicity": "White British",
        "attendance_percent": 91,
        "exclusions_this_year": 0,
        "professionals_involved": (
            "Early Help family support worker (fortnightly home visits); CAMHS (discharged November, open referral route)"
        ),
        "measures_taken": (
            "Pastoral Support Plan since September with daily check-in (successful); "
            "anger management sessions with the learning mentor (mostly successful); "
            "reduced timetable lifted in November"
        ),
        "ks4_subjects": (
            "English Language (AQA), English Literature (AQA), Mathematics (Edexcel), "
            "Combined Science (AQA), Design and Technology (AQA)"
        ),
        "alternative_curriculum": "One day a week construction skills at the college, to stop at reintegration",
        "transport_plan": "Bus number 44 from Barbourne; mother will accompany him for the first week",
        "parent_involved_in_transport": True,
        "advocacy_needed": False,
        "identified_by": "ap_setting",
        "risk_notes": "Jordan and his mother both want the move; no concerns from Kingsmead.",
    },
    "record_child_views": {
        "views_date": "2027-01-18",
        "background": "I moved to the centre in Year 8 after getting excluded. My grandad is ill and I help look after him.",
        "good_at": "Making things in DT, football, fixing bikes",
        "challenges_and_support": "Big classes and noisy corridors. I need somewhere to go when I get wound up.",
        "school_could_support_by": "Giving me a time-out card and one teacher I can talk to every morning.",
        "aspirations": "Pass my GCSEs and get an apprenticeship as a mechanic.",
    },
    "record_fair_access_decision": {
        "agreed_to_consider_date": "2027-01-25",
        "notes": "FAAP not meeting until March; a virtual approach is to be made and noted at the next FAAP.",
    },
    "allocate_place": {
        "host_school": "Kingsmead High School",
        "panel": "virtual",
        "place_offered_date": "2027-02-08",
    },
    "confirm_host_place": {
        "host_school_confirmed": True,
    },
    "offer_visit": {
        "visit_offered": True,
        "visit_arrangement": "with_meeting",
        "visit_support": "The learning mentor goes with Jordan and his mother",
    },
    "hold_initial_meeting": {
        "meeting_date": "2027-02-22",
        "start_date": "2027-03-01",
        "ap_representative": "Daniel Okafor (Deputy Head, Severn Vale Learning Centre)",
        "host_school_representative": "Priya Shah (Head of Year 10) and Mark Dunn (key worker)",
        "parent_and_child_present": True,
        "reasons": "Sustained improvement in behaviour and attendance; Jordan wants a full GCSE curriculum.",
        "why_successful": "Consistent progress on the PSP for two terms and strong support from home.",
        "expectations_child": "Attend every day, use the time-out card instead of leaving lessons, meet Mr Dunn each morning.",
        "expectations_school": "Named key worker, daily check-in, time-out space, DT and engineering options.",
        "named_contact": "Mark Dunn, key worker, 01905 000123, m.dunn@kingsmead.example.sch.uk",
        "expectations_parent": "Keep in weekly contact with Mr Dunn and attend all reviews.",
        "ap_support": "Outreach visit weekly for the first three weeks; learning mentor available by phone.",
        "other_agency_commitment": "Early Help worker continues home visits until the final review.",
        "transport_required": True,
        "transport_arrangements": "Bus pass for the 44 route; school transport to be redesignated if successful.",
        "uniform_arrangements": "Kingsmead to provide blazer and tie from the uniform bank.",
        "review_1_date": "2027-03-15",
        "review_2_date": "2027-03-25",
        "review_3_date": "2027-04-12",
    },
    "confirm_dual_registration": {
        "joiner_form_completed": True,
        "ap_register_code_d": True,
        "paperwork_sent_to_admissions": True,
    },
    "interim_review_1": {
        "meeting_date": "2027-03-15",
        "progress": "Settled well; attended every day.",
        "school_support": "Daily check-in working; used the time-out card twice.",
        "concerns": "Late to period 5 on three occasions.",
        "additional_support": "Lunchtime DT club place offered.",
        "child_views": "Jordan says the work is hard but he likes his DT teacher.",
        "outcome_of_review": "Continue as planned.",
        "next_meeting_date": "2027-03-25",
    },
    "interim_review_2": {
        "meeting_date": "2027-03-26",
        "progress": "Attendance 97%; one behaviour point in two weeks.",
        "school_support": "Key worker sessions reduced to three a week at Jordan's request.",
        "concerns": "Maths homework not being handed in.",
        "additional_support": "Homework club on Tuesdays.",
        "child_views": "Jordan feels part of the form group now.",
        "outcome_of_review": "Continue; final review after Easter.",
        "next_meeting_date": "2027-04-12",
    },
    "final_review": {
        "meeting_date": "2027-04-16",
        "progress": "Fully integrated into Year 10; on track in all GCSE subjects.",
        "school_support": "Key worker check-ins weekly from now on.",
        "concerns": "None significant.",
        "additional_support": "None required beyond the usual pastoral support.",
        "child_views": "Jordan wants to stay at Kingsmead.",
        "outcome_of_review": "Permanent admission agreed by all parties.",
        "next_meeting_date": "",
        "final_outcome": "successful",
    },
    "record_successful_outcome": {
        "date_on_roll": "2027-04-19",
        "joiner_form_completed": True,
        "notes": "AP setting to complete the Leavers Form on the Children's Services Portal.",
    },
    "complete_leavers_form": {
        "leavers_form_completed": True,
        "leavers_form_date": "2027-04-19",
    },
}

#: Parent refuses at the consent stage (ends at ``end_not_agreed``).
CONSENT_REFUSED_PATH: dict[str, dict[str, Any]] = {
    "record_parental_consent": {
        **HAPPY_PATH["record_parental_consent"],
        "understands_reasons": True,
        "parent_agrees": False,
        "preferred_school": "",
        "consent_to_share_information": False,
    },
}

#: The final review decides the reintegration failed (ends at ``end_unsuccessful``).
UNSUCCESSFUL_PATH: dict[str, dict[str, Any]] = {
    **HAPPY_PATH,
    "final_review": {
        **HAPPY_PATH["final_review"],
        "progress": "Attendance fell to 68% after Easter; two fixed-term suspensions.",
        "concerns": "Repeated walk-outs and a serious incident with a peer on 12 April.",
        "outcome_of_review": "All parties agree the reintegration has not succeeded.",
        "final_outcome": "unsuccessful",
    },
    "record_unsuccessful_outcome": {
        "reasons_for_failure": "Persistent walk-outs and a serious incident with a peer; attendance 68% since Easter.",
        "provision_for_return": "Full-time place at Severn Vale Learning Centre with outreach from Hollybrook.",
        "date_of_return": "2027-04-26",
        "completed_by": "Helen Marsh, Deputy Head, Hollybrook High School",
        "support_put_in_place": "Key worker, time-out card, homework club, weekly AP outreach.",
        "warnings_given": "Written warning after the walk-out of 22 March; final warning on 20 April.",
        "suspensions": "Two fixed-term suspensions: 1 day (23 March), 3 days (13-15 April).",
        "other_measures": "Daily report card from 23 March; restorative meetings with the peer involved.",
    },
    #: The host head teacher's decision: the checks of the sample letter, and the letter signed.
    "confirm_failure_decision": {
        "decision_reasons": ("Jordan has walked out of lessons repeatedly since Easter and on 12 April seriously hurt "
                             "another pupil. His attendance has fallen to 68%. Despite the extra support he has not "
                             "been able to settle, and I do not believe the placement can continue safely."),
        "incident_investigated": True,
        "investigation": ("Statements from the two staff on duty, the pupils who saw it and both pupils involved; "
                          "the CCTV of the corridor was viewed on 13 April."),
        "harassment_checked": True,
        "harassment_finding": "not_provoked",
        "harassment_notes": "Neither pupil nor any witness reported racist or sexual remarks; none were found.",
        "child_account_heard": True,
        "child_account": "Jordan said the other pupil had been teasing him about the centre; he accepts he hit him.",
        "decision_effective_date": "2027-04-26",
        "head_teacher_name": "Dr Alan Price",
        "letter_signed": True,
    },
    #: The host school deletes the pupil from its roll (School Attendance (Pupil Registration) (England)
    #: Regulations 2024, regulation 9(1)(c)) and makes its deletion return to the LA (regulation 13).
    "remove_from_roll": {
        "deletion_ground": "9_1_c",
        "ap_consented": True,
        "no_school_attendance_order": True,
        "deletion_date": "2027-04-26",
        "pupil_address": "14 Orchard Way, Barbourne, Worcester WR1 3AB",
        "parent_address": "",
        "parent_phone": "07700 900123",
    },
}

#: Emergency review forms: the first decides to continue, the second to end the reintegration.
EMERGENCY_REVIEW_CONTINUE: dict[str, Any] = {
    "meeting_date": "2027-03-19",
    "la_present": True,
    "ap_present": True,
    "family_present": True,
    "reasons": "Fight with a Year 11 pupil on 17 March; Jordan left the site without permission.",
    "measures_to_avoid_failure": "Staggered lunch, restorative meeting with the other pupil, daily report card.",
    "support_required": "AP outreach increased to twice a week for three weeks.",
    "emergency_decision": "continue",
}
EMERGENCY_REVIEW_END: dict[str, Any] = {
    "meeting_date": "2027-03-31",
    "la_present": True,
    "ap_present": True,
    "family_present": True,
    "reasons": "Second serious assault on a peer despite the agreed measures; risk to other pupils.",
    "measures_to_avoid_failure": "All measures from the previous emergency review were in place.",
    "support_required": "",
    "emergency_decision": "end",
}


#: The HNRG advocacy pilot: the pupil is judged ready but at risk of the reintegration failing, so an advocate is engaged
#: for 9 weeks (like pilot student 2: Year 9 at Burton, GBP 19,500 a year, a 2:2 transition).
ADVOCACY_RISK: dict[str, Any] = {
    **HAPPY_PATH["gather_information"],
    "advocacy_needed": True,
    "identified_by": "challenging_behaviour_peer_group",
    "risk_student_anxiety": True,
    "risk_wish_to_stay_in_ap": True,
    "risk_parental_anxiety": True,
    "risk_lack_of_partner_support": False,
    "risk_school_concerns": False,
    "risk_notes": "Jordan fears being excluded again and wants to stay with his friends at the centre; his mother is anxious.",
    "advocacy_provider": "Pathways Advocacy",
    "transition_type": "two_to_two",
    "advocacy_funding": "high_needs_budget",
    "current_setting_funding": 19500,
    "year_group": 9,
}
ADVOCACY_PATH: dict[str, dict[str, Any]] = {
    "engage_student_and_family": {
        "student_engaged_on": "2027-01-19",
        "family_engaged_on": "2027-01-20",
        "transition_support_plan": "Weekly mentoring in school; visits to Kingsmead with a friend from the centre (2:2).",
        "community_links": "Come Into Play family sessions",
    },
    "record_advocacy_contact": {
        "advocacy_contact_date": "2027-01-27",
        "advocacy_contact_with": "student_and_family",
        "advocacy_contact_notes": "Visited Kingsmead together; Jordan met his key worker.",
        "advocacy_next": "continue",
    },
    "close_advocacy": {
        "advocacy_outcome": "reintegrated",
        "community_links": "Come Into Play family sessions",
        "advocacy_summary": "Jordan settled at Kingsmead; his mother keeps in touch with the key worker.",
    },
}

#: The Reintegration Service document: a school asks the outreach team for reintegration support for a pupil back from the
#: Reintegration Service's unit (3 free weeks, then chargeable).
OUTREACH_REQUEST: dict[str, Any] = {
    "pupil_name": "Casey Morgan",
    "pupil_dob": "2013-02-03",
    "home_school": "Hollybrook High School",
    "requested_by": "school",
    "request_type": "individual",
    "support_type": "reintegration",
    "phase": "secondary",
    "year_group": 8,
    "gender": "female",
    "send_ehcp_or_k": True,
    "pupil_premium": True,
    "free_school_meals": False,
    "looked_after": False,
    "back_from_ap_unit": True,
    "parent_name": "Dana Morgan",
    "parent_email": "dana.morgan@example.org",
    "local_authority": "Worcestershire County Council",
    "reason_for_request": "Casey returns from the Reintegration Service unit after a 12-week placement; help her settle.",
}
#: The Success in Schools group variant: a Year 8 cohort, free to the school.
OUTREACH_GROUP_REQUEST: dict[str, Any] = {
    "pupil_name": "Success in Schools Year 8 group",
    "home_school": "Hollybrook High School",
    "requested_by": "school",
    "request_type": "group",
    "support_type": "success_in_schools",
    "phase": "secondary",
    "year_group": 8,
    "cohort_size": 8,
    "reason_for_request": "Early intervention for eight Year 8 pupils at risk of exclusion.",
    "local_authority": "Worcestershire County Council",
}
OUTREACH_PATH: dict[str, dict[str, Any]] = {
    "review_outreach_request": {
        "decision": "accept",
        "allocated_to": "outreach_worker",
        "worker_name": "Kim Lowe",
        "support_start_date": "2026-03-02",
        "planned_weeks": 6,
    },
    "complete_assessments": {
        "assessments_completed": "Boxall Profile, reading age, Strengths and Difficulties Questionnaire",
        "assessment_findings": "Reading age 10.5; low scores for self-esteem and peer relationships.",
        "recommended_interventions": "Small-group reading; a daily check-in with a key adult.",
    },
    "record_outreach_contact": {
        "contact_date": "2026-03-03",
        "contact_kind": "session",
        "work_done": "1:1 session on managing break times.",
        "information_for_school": "Casey found break times hard; she agreed to use the library at lunch.",
        "next_step": "continue",
    },
    "plan_group": {
        "cohort_size": 8,
        "cohort_year_group": 8,
        "cohort_initials": "AB, CD, EF, GH, IJ, KL, MN, OP",
        "group_sessions_planned": 6,
        "school_contact": "Head of Year 8",
    },
    "agree_chargeable_support": {"charge_agreed": True, "agreed_by": "SENCo", "purchase_order": "PO-1234"},
    "record_outreach_outcome": {
        "support_outcome": "completed",
        "destination": "mainstream_same_school",
        "outcome_summary": "Casey is settled in Year 8 with a key adult check-in.",
    },
}

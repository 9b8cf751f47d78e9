"""Every mail template renders, in plain text and HTML, escaping what people typed."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.mail import MAIL_TEMPLATES, MailRenderer

BASE = {"case_id": "R-1A2B3C4D", "initials": "JE", "link": "http://127.0.0.1:5000/cases/R-1A2B3C4D",
        "authority": "Example LA"}
CONTEXTS = {
    "la_referral": {"ap_setting": "Severn Vale", "consent_date": "2027-01-11", "preferred_school": None},
    "la_outcome": {"outcome": "successful", "host_school": "Kingsmead", "ap_setting": "Severn Vale",
                   "date_on_roll": "2027-04-19", "date_of_return": None, "transfer_out": "Hollybrook",
                   "deletion_ground": None},
    "deletion_return": {"school": "Kingsmead", "ground": "regulation 9(1)(c)", "ground_text": "<b>20 days</b> consent",
                        "deletion_date": "2027-04-26", "other_school": "Severn Vale",
                        "regulations": "The School Attendance (Pupil Registration) (England) Regulations 2024"},
    "transport_redesignation": {"host_school": "Kingsmead", "transport_arrangements": "Bus 44"},
    "failure_letter": {"parent_name": "S Ellis", "returns_to": "Hollybrook", "host_school": "Kingsmead",
                       "meeting_date": "22 February 2027", "reasons": "<script>alert(1)</script> & more",
                       "investigation": "Statements", "harassment": "not provoked", "child_account": "He was teased",
                       "effective_date": "26 April 2027", "meetings": ["Final review, 16 April 2027: ended"],
                       "warnings": "None recorded.", "suspensions": "None.", "other_measures": "None recorded.",
                       "support": "Key worker", "head_teacher": "Dr Alan Price"},
    "deadline_reminder": {"task_title": "Allocate place", "due": "2026-06-03",
                          "task_link": "http://127.0.0.1:5000/tasks/6f1c"},
    "deadline_escalation": {"task_title": "Allocate place", "due": "2026-06-03", "rule": "<b>20 days</b>",
                            "task_link": "http://127.0.0.1:5000/tasks/6f1c",
                            "escalation_number": 2, "repeat_days": 7},
    "outreach_declined": {"school": "Hollybrook", "reason": "<b>20 days</b> over capacity"},
    "outreach_allocated": {"school": "Hollybrook", "worker": "an outreach worker", "worker_name": "Kim Lowe",
                           "start_date": "2027-01-11", "terms": "3 free weeks", "group": False},
    "outreach_assessments": {"school": "Hollybrook", "assessments": "<script>alert(1)</script> Boxall",
                             "findings": "Low self-esteem", "interventions": None},
    "outreach_session": {"school": "Hollybrook", "contact_number": 2, "contact": "Outreach session",
                         "contact_date": "2027-01-12", "information": "<b>20 days</b> settled", "chargeable": False,
                         "free_weeks_left": 2},
    "outreach_closed": {"school": "Hollybrook", "outcome": "completed", "weeks": 5, "chargeable_weeks": 2,
                        "income": 300, "summary": "<script>alert(1)</script>"},
    "advocacy_referral": {"reasons": ["Parental anxiety over the move"], "weeks": 9, "start": "2027-01-18",
                          "end": "2027-03-22", "funding": "the high-needs budget", "transition_type": "1:1",
                          "ap_setting": "<b>20 days</b> Severn Vale"},
    "advocacy_closed": {"outcome": "reintegrated", "contacts": 6, "start": "2027-01-18", "closed": "2027-03-22",
                        "community_links": "Come Into Play"},
    "timetable_attendance_notice": {"school": "Hollybrook", "proposed_start_date": "2026-03-09"},
    "timetable_not_agreed": {"school": "Hollybrook", "message": "<script>alert(1)</script> no agreement"},
    "timetable_plan_to_la": {"school": "Hollybrook", "plan_type": "pastoral_support_plan", "start_date": "2026-03-09",
                             "full_time_from": "2026-04-13", "limit_date": "2026-05-01", "named_person": "<b>20 days</b>",
                             "review_dates": ["2026-03-20"], "early_help_assessment": "started",
                             "weeks": [{"week": 1, "hours": 16.25, "days": {"Monday": [3.25, 0]}}]},
    "timetable_ended": {"school": "Hollybrook", "full_time_on": "2026-04-17", "within_limit": True, "max_weeks": 6},
    "timetable_half_term_list": {"half_term": "2025/26 spring 2", "first_day": "2026-02-23", "last_day": "2026-03-27",
                                 "authority": "Worcestershire County Council", "pupils": [
        {"case_id": "RT-1", "initials": "JE", "school": "<b>20 days</b>", "start_date": "2026-03-09",
         "full_time_from": "2026-04-13", "limit_date": "2026-05-01", "named_person": "Ms Patel",
         "weekly_hours": [16.25, 28.75], "link": "http://127.0.0.1:5000/cases/RT-1",
         "plan_link": "http://127.0.0.1:5000/cases/RT-1/forms/timetable-plan"}]},
    "semh_place_withdrawn": {"school": "Hollybrook", "term": "2025/26 spring", "excluded_on": "2026-03-04",
                             "started": "2026-03-02"},
    "semh_challenge_home_school": {"school": "Hollybrook", "concerns": "<script>alert(1)</script>"},
    "semh_kpi_missed": {"school": "Hollybrook", "missed": ["<b>20 days</b> no suspensions for 2 terms"]},
}


def test_every_template_has_a_context_here():
    assert {p.stem for p in Path(MAIL_TEMPLATES).glob("*.txt")} == set(CONTEXTS)


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_renders_text_and_escaped_html(kind):
    mail = MailRenderer().render(kind, {**BASE, **CONTEXTS[kind]})
    assert mail.subject and "\n" not in mail.subject
    assert "JE" in mail.subject + mail.text
    assert mail.html and "<script>" not in mail.html and "<b>20 days</b>" not in mail.html
    if kind != "failure_letter":  # a message about a task links to the task, "Open the task"
        link = CONTEXTS[kind].get("task_link", BASE["link"])
        assert f'href="{link}"' in mail.html
        assert ("Open the task" in mail.text) == ("task_link" in CONTEXTS[kind])


def test_a_missing_variable_is_an_error_not_a_blank():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        MailRenderer().render("deadline_reminder", BASE)

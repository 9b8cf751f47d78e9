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
                   "date_on_roll": "2027-04-19", "date_of_return": None},
    "transport_redesignation": {"host_school": "Kingsmead", "transport_arrangements": "Bus 44"},
    "failure_letter": {"parent_name": "S Ellis", "home_school": "Hollybrook", "host_school": "Kingsmead",
                       "meeting_date": "2027-02-22", "reasons_for_failure": "<script>alert(1)</script> & more",
                       "date_of_return": "2027-04-26", "support_put_in_place": None},
    "deadline_reminder": {"task_title": "Allocate place", "due": "2026-06-03"},
    "deadline_escalation": {"task_title": "Allocate place", "due": "2026-06-03", "rule": "<b>20 days</b>",
                            "escalation_number": 2, "repeat_days": 7},
}


def test_every_template_has_a_context_here():
    assert {p.stem for p in Path(MAIL_TEMPLATES).glob("*.txt")} == set(CONTEXTS)


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
def test_renders_text_and_escaped_html(kind):
    mail = MailRenderer().render(kind, {**BASE, **CONTEXTS[kind]})
    assert mail.subject and "\n" not in mail.subject
    assert "JE" in mail.subject + mail.text
    assert mail.html and "<script>" not in mail.html and "<b>20 days</b>" not in mail.html
    if kind != "failure_letter":
        assert f'href="{BASE["link"]}"' in mail.html


def test_a_missing_variable_is_an_error_not_a_blank():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        MailRenderer().render("deadline_reminder", BASE)

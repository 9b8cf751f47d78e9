"""Task forms as a person meets them: GOV.UK error messages linked to the box to fix, date rules,
money and percentages as people write them, character counts and limits, a long form in sections
with "Save and come back later", check-answers pages before decisions that cannot be undone, the
emergency review's reason, and error pages without the engine's own words."""
from __future__ import annotations

import re

from engine.drafts import TaskDraft
from tests.conftest import TEST_READ
from tests.web_helpers import post

CONSENT = {"has_parental_responsibility": "true", "other_parent_agreement": "yes", "understands_reasons": "true",
           "parent_agrees": "true", "consent_to_share_information": "true", "parent_name": "Samantha Ellis"}


def _summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [(href, re.sub(r"\s+", " ", text).strip()) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>',
                                                                                   summary, re.S)]


def _date(prefix: str, day: str, month: str, year: str) -> dict:
    return {f"{prefix}-day": day, f"{prefix}-month": month, f"{prefix}-year": year}


def test_errors_are_in_the_design_systems_words_and_link_to_the_box_to_fix(web_world, signed_in):
    client = signed_in("ava.ap")
    task = web_world.task_id(web_world.case_with("record_parental_consent"), "record_parental_consent")
    empty = post(client, f"/tasks/{task}", {"parent_name": "Samantha Ellis"})
    assert empty.status_code == 400
    links = _summary_links(empty.get_data(as_text=True))
    assert ("#parent_agrees", "Select yes if the parent agrees to a reintegration") in links
    assert ("#consent_date-day", "Enter the date consent was given") in links
    assert not any("is required" in text for _, text in links)
    no_month = post(client, f"/tasks/{task}", {**CONSENT, **_date("consent_date", "3", "", "2026")})
    html = no_month.get_data(as_text=True)
    assert _summary_links(html) == [("#consent_date-month", "Date consent was given must include a month")]
    assert re.search(r'class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" '
                     r'id="consent_date-month"', html)
    assert 'govuk-input--error" id="consent_date-day"' not in html  # only the box that is wrong
    unreal = post(client, f"/tasks/{task}", {**CONSENT, **_date("consent_date", "31", "2", "2026")})
    assert _summary_links(unreal.get_data(as_text=True)) == [("#consent_date-day",
                                                              "Date consent was given must be a real date")]
    bad_month = post(client, f"/tasks/{task}", {**CONSENT, **_date("consent_date", "3", "13", "2026")})
    assert _summary_links(bad_month.get_data(as_text=True)) == [("#consent_date-month",
                                                                 "Date consent was given must be a real date")]
    future = post(client, f"/tasks/{task}", {**CONSENT, **_date("consent_date", "1", "1", "2099")})
    assert _summary_links(future.get_data(as_text=True)) == [
        ("#consent_date-day", "Date consent was given must be today or in the past")]
    assert web_world.task_id(web_world.case_with("record_parental_consent"), "record_parental_consent") == task


def test_consent_is_checked_before_it_is_recorded(web_world, signed_in):
    client = signed_in("ava.ap")
    case_id = web_world.case_with("record_parental_consent")
    task = web_world.task_id(case_id, "record_parental_consent")
    check = post(client, f"/tasks/{task}", {**CONSENT, **_date("consent_date", "20", "11", "2026")})
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and "Check your answers" in html and "You cannot change them afterwards" in html
    assert "20 November 2026" in html and "Confirm and complete task" in html
    with web_world.runtime.engine() as eng:  # nothing is recorded by checking
        assert "record_parental_consent" in {t["task"] for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"]}
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    change = post(client, f"/tasks/{task}", {**hidden, "change": "consent_date"})
    assert change.status_code == 200 and 'value="20"' in change.get_data(as_text=True)
    done = post(client, f"/tasks/{task}/confirm", hidden)
    assert done.status_code == 302 and done.location == f"/cases/{case_id}"
    with web_world.runtime.engine() as eng:
        data = eng.show_case(case_id, viewer=TEST_READ)["data"]
    assert data["consent_date"] == "2026-11-20" and data["parent_agrees"] is True


def test_gather_information_in_sections_saved_for_later_then_checked_and_completed(web_world, signed_in):
    client = signed_in("ava.ap")
    case_id = web_world.case_with("gather_information")
    task = web_world.task_id(case_id, "gather_information")
    first = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Part 1 of 5" in first and 'name="attainment"' in first and 'name="attendance_percent"' not in first
    assert "Save and come back later" in first
    later = post(client, f"/tasks/{task}", {"section": "1", "action": "later", "attainment": "good",
                                           "reasons_for_reintegration": "A fresh start near home"})
    assert later.status_code == 302 and later.location == "/"
    again = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'id="draft-saved"' in again and ">A fresh start near home</textarea>" in again
    # Only those who may do the task see the draft: the LA reads the task, not the draft.
    la_view = signed_in("lee.la").get(f"/tasks/{task}").get_data(as_text=True)
    assert "A fresh start near home" not in la_view and 'id="draft-saved"' not in la_view
    assert signed_in("una.ap").get(f"/tasks/{task}").status_code == 404  # another AP's staff: no such task
    part1 = {"section": "1", "attainment": "good", "effort": "good", "attitude_to_staff": "satisfactory",
             "attitude_to_peers": "good", "homework": "poor", "reasons_for_reintegration": "A fresh start near home"}
    assert post(client, f"/tasks/{task}", part1).location == f"/tasks/{task}?section=2"
    wrong = post(client, f"/tasks/{task}", {"section": "2", "attendance_percent": "ninety", "year_group": "9"})
    assert wrong.status_code == 400 and "Attendance must be a number" in wrong.get_data(as_text=True)
    assert post(client, f"/tasks/{task}", {"section": "2", "attendance_percent": "91.5%", "year_group": "9",
                                           "lac_status": "false"}).location == f"/tasks/{task}?section=3"
    assert post(client, f"/tasks/{task}", {"section": "3"}).location == f"/tasks/{task}?section=4"
    assert post(client, f"/tasks/{task}", {"section": "4"}).location == f"/tasks/{task}?section=5"
    last = post(client, f"/tasks/{task}", {"section": "5", "advocacy_needed": "false",
                                           "current_setting_funding": "£18,000.50"})
    assert last.location == f"/tasks/{task}/check"
    check = client.get(last.location).get_data(as_text=True)
    assert "£18,000.50" in check and "91.5%" in check and "A fresh start near home" in check
    assert check.count('class="govuk-heading-m"') >= 5  # one heading per part
    done = post(client, f"/tasks/{task}/confirm")
    assert done.status_code == 302 and done.location == f"/cases/{case_id}"
    with web_world.runtime.engine() as eng:
        data = eng.show_case(case_id, viewer=TEST_READ)["data"]
        assert eng.session.get(TaskDraft, task) is None  # the draft goes with the task
    assert (data["attendance_percent"], data["current_setting_funding"]) == (91.5, 18000.5)


def test_free_text_has_a_character_count_and_a_limit(web_world, signed_in):
    client = signed_in("ava.ap")
    task = web_world.task_id(web_world.case_with("gather_information"), "gather_information")
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'data-module="govuk-character-count"' in page and 'data-maxlength="3000"' in page
    long = post(client, f"/tasks/{task}", {"section": "1", "attainment": "good", "effort": "good",
                                           "attitude_to_staff": "good", "attitude_to_peers": "good", "homework": "good",
                                           "reasons_for_reintegration": "x" * 3001})
    assert long.status_code == 400
    assert ("#reasons_for_reintegration", "Reasons for reintegration: why might a reintegration to this school be "
            "successful must be 3,000 characters or less") in _summary_links(long.get_data(as_text=True))


def test_an_emergency_review_needs_a_reason_and_a_confirmation(web_world, signed_in):
    client = signed_in("hana.host")
    case_id = web_world.case_with("interim_review_1")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'href="/cases/{case_id}/emergency-review"' in page
    form = client.get(f"/cases/{case_id}/emergency-review").get_data(as_text=True)
    assert 'data-module="govuk-character-count"' in form and "Why is an emergency review needed?" in form
    missing = post(client, f"/cases/{case_id}/emergency-review/check", {"reason": "  "})
    assert missing.status_code == 400 and "Enter why an emergency review is needed" in missing.get_data(as_text=True)
    assert post(client, f"/cases/{case_id}/emergency-review", {}).status_code == 400  # no reason, nothing sent
    check = post(client, f"/cases/{case_id}/emergency-review/check", {"reason": "Two fights this week"})
    html = check.get_data(as_text=True)
    assert "Check your answers before requesting an emergency review" in html and "cannot be withdrawn" in html
    sent = post(client, f"/cases/{case_id}/emergency-review", {"reason": "Two fights this week"})
    assert sent.status_code == 302
    with web_world.runtime.engine() as eng:
        data = eng.show_case(case_id, viewer=TEST_READ)["data"]
    assert data["emergency_review_requested"] == {"reason": "Two fights this week"}


def test_error_pages_speak_to_people_not_in_the_engines_words(web_world, signed_in):
    client = signed_in("lee.la")
    missing = client.get("/cases/R-D987058C")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "If you typed the web address, check it is correct" in html
    assert "no case" not in html and "R-D987058C" not in html
    report = client.get("/reports/weightings?year=2098")
    text = report.get_data(as_text=True)
    assert report.status_code == 400 and "Choose an academic year such as 2025/26" in text
    assert "report filter" not in text and "year:" not in text

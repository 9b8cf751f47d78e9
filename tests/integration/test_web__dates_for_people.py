"""Dates on pages and in emails as "14 May 2012", times in Europe/London: one helper everywhere."""
from __future__ import annotations

import re
from html import unescape

from engine.mail import MailRenderer

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible_text(html: str) -> str:
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_case_page_shows_dates_in_words(web_world, signed_in):
    html = signed_in("omar.home").get(f"/cases/{web_world.placement}").get_data(as_text=True)
    text = visible_text(html)
    assert "11 February 2012" in text  # the date of birth, stored as 2012-02-11
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)


def test_pages_show_times_in_london_time(web_world, signed_in):
    from datetime import UTC, datetime

    web_world.runtime.clock.now = lambda: datetime(2026, 6, 10, 10, 30, tzinfo=UTC)  # British Summer Time
    client = signed_in("ada.admin")
    with web_world.runtime.engine() as eng:
        case_id = eng.start_case("reintegration", {**_start_data(), "pupil_name": "June Case"}, "ava.ap")["case_id"]
    text = visible_text(client.get(f"/cases/{case_id}").get_data(as_text=True))
    assert "10 June 2026, 11:30" in text and "10:30" not in text


def _start_data() -> dict:
    from tests.conftest import OTHER_CASE

    return {**OTHER_CASE, "ap_setting": "Severn Vale Learning Centre", "home_school": "Kingsmead High School"}


def test_emails_write_dates_in_words():
    mail = MailRenderer()
    reminder = mail.render("deadline_reminder", {"task_title": "Record parental consent", "initials": "KP",
                                                 "case_id": "R-1", "due": "2026-09-04", "link": "http://x/c", "task_link": "http://x/t",
                                                 "authority": "Worcestershire County Council"})
    assert "Due 4 September 2026" in reminder.subject and "due on 4 September 2026" in reminder.text
    plan = mail.render("timetable_plan_to_la", _plan_context())
    assert not ISO_DATE.search(plan.subject + plan.text), ISO_DATE.findall(plan.text)
    assert "7 September 2026, 21 September 2026" in plan.text


def _plan_context() -> dict:
    import jinja2
    import jinja2.meta

    from engine.mail import MAIL_TEMPLATES

    source = (MAIL_TEMPLATES / "timetable_plan_to_la.txt").read_text()
    env = jinja2.Environment()
    env.filters["people_date"] = str
    names = jinja2.meta.find_undeclared_variables(env.parse(source))
    context = {name: f"text for {name}" for name in names}
    context.update({"start_date": "2026-09-01", "full_time_from": "2026-10-05", "limit_date": "2026-10-12",
                    "review_dates": ["2026-09-07", "2026-09-21"], "weeks": []})
    return context

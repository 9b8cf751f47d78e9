"""The task list (lane and organisation, flags, filters, sort, pages, claims) and the task page's form."""
from __future__ import annotations

import re
from datetime import date

from cli.scenarios import EMERGENCY_REVIEW_END
from engine import queries
from engine.models import User
from schooling.core_places import allocate
from tests.conftest import TEST_READ
from tests.integration.test_permissions__failures_found import semh  # noqa: F401  (fixture)
from tests.web_helpers import post


def _rows(html: str) -> list[str]:
    return re.findall(r'href="/tasks/([0-9a-f-]{36})"', html)


def test_each_user_sees_their_lane_on_their_organisations_cases(web_world, signed_in):
    host = signed_in("hana.host").get("/").get_data(as_text=True)
    assert "Hold first interim review" in host and "Record parental consent" not in host
    ap = signed_in("ava.ap").get("/").get_data(as_text=True)
    assert "Record parental consent" in ap and "Hold first interim review" not in ap
    assert web_world.other_case not in ap  # another AP's case, same lane
    other_ap = signed_in("una.ap").get("/").get_data(as_text=True)
    assert web_world.other_case in other_ap and len(_rows(other_ap)) == 1
    assert _rows(signed_in("wes.wrong").get("/").get_data(as_text=True)) == []


def test_rows_show_due_date_flags_initials_case_and_process(web_world, signed_in):
    html = signed_in("hana.host").get("/").get_data(as_text=True)
    case_id = web_world.case_with("interim_review_1")
    assert f">{case_id}</a>" in html and ">KP</span>" in html  # Kim Placement's initials, not her name
    assert "Kim Placement" not in html and "Reintegration from alternative provision, host school" in html
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">\d+ \w+ \d{4}</time>', html)


def test_overdue_and_due_soon_flags_and_filters(web_world):
    with web_world.runtime.engine() as eng:
        admin = eng.session.query(User).filter_by(name="ada.admin").one()
        everything = queries.task_list(eng.session, admin, queries.TaskFilter(), date(2026, 11, 23))
        dues = sorted(t["due"] for t in everything.items if t["due"])
        assert dues, "the demo has tasks with due dates"
        late = date.fromisoformat(dues[-1][:10])
        # Seen from the day after the latest due date, every dated task is overdue; from 2 days before, due soon.
        overdue = queries.task_list(eng.session, admin, queries.TaskFilter(overdue=True), late.replace(day=late.day))
        after = queries.task_list(eng.session, admin, queries.TaskFilter(overdue=True),
                                  date.fromordinal(late.toordinal() + 1))
        soon = queries.task_list(eng.session, admin, queries.TaskFilter(due_soon=True),
                                 date.fromordinal(late.toordinal() - 2))
    assert after.total == len(dues) and all(t["overdue"] for t in after.items)
    assert overdue.total == len(dues) - dues.count(dues[-1])
    assert any(t["due"] == dues[-1] and t["due_soon"] and not t["overdue"] for t in soon.items)


def test_sorted_by_due_date_both_ways_with_undated_last(web_world):
    with web_world.runtime.engine() as eng:
        admin = eng.session.query(User).filter_by(name="ada.admin").one()
        up = [t["due"] for t in queries.task_list(eng.session, admin, queries.TaskFilter(), date(2026, 11, 23)).items]
        down = [t["due"] for t in queries.task_list(eng.session, admin, queries.TaskFilter(order="-due"),
                                                    date(2026, 11, 23)).items]
    dated = [d for d in up if d]
    assert dated == sorted(dated) and up[len(dated):] == [None] * (len(up) - len(dated))
    assert [d for d in down if d] == sorted(dated, reverse=True)


def test_pages_of_tasks_with_a_total(web_world, signed_in):
    with web_world.runtime.engine() as eng:
        admin = eng.session.query(User).filter_by(name="ada.admin").one()
        pages = [queries.task_list(eng.session, admin, queries.TaskFilter(page=n, per_page=2), date(2026, 11, 23))
                 for n in (1, 2, 3, 4)]
        open_tasks = len(eng.list_tasks())
    assert open_tasks >= 6 and pages[0].total == open_tasks and pages[0].pages == -(-open_tasks // 2)
    ids = [t["task_id"] for p in pages for t in p.items]
    assert len(ids) == min(open_tasks, 8) and len(set(ids)) == len(ids)
    html = signed_in("ada.admin").get("/?process=reintegration&page=1").get_data(as_text=True)
    assert f"{open_tasks} tasks" in html
    assert "0 tasks" in signed_in("ada.admin").get("/?process=semh_placement").get_data(as_text=True)


def test_a_caseload_past_the_count_cap_says_more_than_and_still_pages_in_order(web_world):
    with web_world.runtime.engine() as eng:
        admin = eng.session.query(User).filter_by(name="ada.admin").one()
        exact = queries.task_list(eng.session, admin, queries.TaskFilter(per_page=100), date(2026, 11, 23))
        capped = queries.task_list(eng.session, admin, queries.TaskFilter(per_page=2), date(2026, 11, 23), count_cap=3)
        second = queries.task_list(eng.session, admin, queries.TaskFilter(page=2, per_page=2), date(2026, 11, 23),
                                   count_cap=3)
        at_cap = queries.task_list(eng.session, admin, queries.TaskFilter(), date(2026, 11, 23), count_cap=exact.total)
    assert exact.total >= 6 and not exact.capped
    assert (capped.total, capped.capped, capped.pages) == (3, True, 2)
    assert capped.to_json()["total_capped"] is True and exact.to_json()["total_capped"] is False
    assert [t["task_id"] for t in capped.items + second.items] == [t["task_id"] for t in exact.items[:4]]
    assert at_cap.total == exact.total and not at_cap.capped  # exactly at the cap is not "more than"


def test_claim_shows_in_mine_and_survives_the_engine_rewriting_the_tasks(web_world, signed_in):
    client = signed_in("hana.host")
    case_id = web_world.case_with("interim_review_1")
    task = web_world.task_id(case_id, "interim_review_1")
    assert _rows(client.get("/?scope=mine").get_data(as_text=True)) == []
    assert post(client, f"/tasks/{task}/claim", {"back": "/?scope=mine"}).location == "/?scope=mine"
    assert _rows(client.get("/?scope=mine").get_data(as_text=True)) == [task]
    # Another user's engine call on the case rewrites its ready tasks; the claim stays with the task.
    with web_world.runtime.engine() as eng:
        eng.send_message(case_id, "emergency_review_requested", {"reason": "A fight"}, "omar.home")
    assert _rows(client.get("/?scope=mine").get_data(as_text=True)) == [task]
    other = signed_in("ada.admin")
    taken = post(other, f"/tasks/{task}/claim")
    assert taken.status_code == 409 and "hana.host is already doing this task" in taken.get_data(as_text=True)
    assert post(client, f"/tasks/{task}/unclaim").status_code == 302
    assert _rows(client.get("/?scope=mine").get_data(as_text=True)) == []


def test_task_form_shows_errors_keeps_input_then_completes(web_world, signed_in):
    client = signed_in("hana.host")
    case_id = web_world.case_with("interim_review_1")
    task = web_world.task_id(case_id, "interim_review_1")
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'name="meeting_date-day"' in page and "<textarea" in page and f'Case <span class="app-nowrap">{case_id}</span>' in page
    bad = post(client, f"/tasks/{task}", {"meeting_date-day": "31", "meeting_date-month": "2",
                                          "meeting_date-year": "2027", "progress": "Settling in well"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "There is a problem" in html and html.startswith("<!DOCTYPE html>")
    assert 'href="#meeting_date-day"' in html and "Date of meeting must be a real date" in html
    assert 'id="meeting_date-error"' in html and ">Settling in well</textarea>" in html and 'value="31"' in html
    assert "<title>Error: " in html
    partial = post(client, f"/tasks/{task}", {"meeting_date-day": "3", "meeting_date-year": "2026"})
    assert "must include a month" in partial.get_data(as_text=True)
    future = post(client, f"/tasks/{task}", {"meeting_date-day": "7", "meeting_date-month": "12",
                                             "meeting_date-year": "2026", "progress": "Settling in well"})
    assert "Date of meeting must be today or in the past" in future.get_data(as_text=True)  # held, not planned
    good = post(client, f"/tasks/{task}", {"meeting_date-day": "23", "meeting_date-month": "11",
                                           "meeting_date-year": "2026", "progress": "Settling in well"})
    assert good.status_code == 302 and good.location == f"/cases/{case_id}"
    banner = client.get(good.location).get_data(as_text=True)
    assert '<p class="govuk-notification-banner__heading">Hold first interim review: done</p>' in banner
    assert "&lt;p" not in banner  # the banner's own markup is never shown to the person as text
    with web_world.runtime.engine() as eng:
        ready = {t["task"] for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"]}
    assert "interim_review_1" not in ready and "interim_review_2" in ready


def test_a_task_done_by_someone_else_says_so(web_world, signed_in):
    case_id = web_world.case_with("interim_review_1")
    task = web_world.task_id(case_id, "interim_review_1")
    hana, admin = signed_in("hana.host"), signed_in("ada.admin")
    form = admin.get(f"/tasks/{task}")  # the admin opens the form first ...
    assert form.status_code == 200
    assert post(hana, f"/tasks/{task}", {"meeting_date-day": "20", "meeting_date-month": "11",
                                         "meeting_date-year": "2026"}).status_code == 302
    late = post(admin, f"/tasks/{task}", {"meeting_date-day": "21", "meeting_date-month": "11",
                                          "meeting_date-year": "2026"})  # ... and sends it after hana
    assert late.status_code == 409 and "hana.host completed it" in late.get_data(as_text=True)
    again = admin.get(f"/tasks/{task}")
    assert again.status_code == 200 and "This task is already done" in again.get_data(as_text=True)
    assert signed_in("wes.wrong").get(f"/tasks/{task}").status_code == 404  # not even that it was done
    assert admin.get("/tasks/00000000-0000-0000-0000-000000000000").status_code == 404


def test_booleans_and_enums_are_radios(web_world, signed_in):
    task = web_world.task_id(web_world.other_case, "record_parental_consent")
    html = signed_in("una.ap").get(f"/tasks/{task}").get_data(as_text=True)
    assert 'type="radio"' in html and 'name="parent_agrees"' in html and 'value="true"' in html
    assert re.search(r'name="other_parent_agreement" type="radio" value="\w+"', html)


def test_a_task_withdrawn_under_the_caseworker_says_the_case_moved_on(web_world, signed_in):
    case_id = web_world.case_with("interim_review_1")
    review = web_world.task_id(case_id, "interim_review_1")
    hana = signed_in("hana.host")
    assert hana.get(f"/tasks/{review}").status_code == 200  # she opens the review form ...
    with web_world.runtime.engine() as eng:  # ... meanwhile an emergency review ends the placement
        eng.send_message(case_id, "emergency_review_requested", {"reason": "A fight"}, "hana.host")
    with web_world.runtime.engine() as eng:
        ready = eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"]
        emergency = next(t for t in ready if t["task"] == "hold_emergency_review")
        eng.complete_task(emergency["task_id"], {**EMERGENCY_REVIEW_END, "meeting_date": "2026-11-23"}, "hana.host")
    late = post(hana, f"/tasks/{review}", {"meeting_date-day": "7", "meeting_date-month": "12",
                                           "meeting_date-year": "2026"})
    assert late.status_code == 409 and "This task is no longer needed" in late.get_data(as_text=True)
    page = hana.get(f"/tasks/{review}").get_data(as_text=True)
    assert "This task is no longer needed" in page and "The case moved on without it" in page


def test_an_agency_with_no_lane_lands_on_its_cases_and_is_offered_no_task_list(web_world, signed_in):
    for name in ("sol.social", "yan.youth", "eve.early"):
        client = signed_in(name)
        home = client.get("/")
        assert home.status_code == 302 and home.headers["Location"].endswith("/cases"), name
        html = client.get("/cases").get_data(as_text=True)
        assert "Cases" in _nav(html) and "Tasks" not in _nav(html), name
        # nothing shared yet: the page says so, and what will share a case, not that a search found nothing
        words = " ".join(html.split())
        assert "No cases have been shared with your team yet." in words and "No cases match" not in words, name
        assert "list of pupils on a part-time reintegration timetable" in words, name
        searched = " ".join(client.get("/cases?q=ZZ").get_data(as_text=True).split())
        assert "No cases match" in searched and "shared with your team" not in searched, name
    reader = signed_in("aud.auditor")  # the auditor reads every lane's tasks: the list is theirs to look at
    assert reader.get("/").status_code == 200
    assert "Tasks" in _nav(reader.get("/cases").get_data(as_text=True))


def _nav(html: str) -> list[str]:
    """The service navigation's links, as a person reads them."""
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip()
            for text in re.findall(r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>', html, re.S)]


def test_the_case_summary_beside_a_task_names_the_provider_the_case_names(web_world, signed_in, semh):  # noqa: F811
    with web_world.runtime.engine() as eng:
        case = allocate(eng, semh[0], "core", eng.local_today(), "lee.la")
    task = next(t for t in case["ready_tasks"] if t["task"] == "complete_sla")
    html = signed_in("omar.home").get(f"/tasks/{task['task_id']}").get_data(as_text=True)
    aside = " ".join(re.search(r'<aside class="app-case-summary".*?</aside>', html, re.S).group(0).split())
    assert '<dt class="govuk-summary-list__key">SEMH provider</dt>' in aside, aside
    assert '<dd class="govuk-summary-list__value">The Bridge School</dd>' in aside, aside
    assert "Home school" in aside and "Advocacy provider" not in aside  # a party the case does not name is left out

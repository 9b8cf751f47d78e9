"""A task of another lane opens read-only: whose it is and when it is due, and no form to lose."""
from __future__ import annotations

from tests.web_helpers import post


def test_another_lanes_task_is_read_only_and_says_whose_and_when(web_world, signed_in):
    case_id = web_world.case_with("interim_review_1")  # the host school's task
    task_id = web_world.task_id(case_id, "interim_review_1")
    page = signed_in("omar.home").get(f"/tasks/{task_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This task is for the host school (Kingsmead High School), due by" in html
    assert "only the host school can complete it" in html
    assert f'action="/tasks/{task_id}"' not in html and "Complete task" not in html
    assert "Not answered yet" in html and "<input" not in html.split('id="not-yours"')[1].split("</main>")[0]
    refused = post(signed_in("omar.home"), f"/tasks/{task_id}", {})
    assert refused.status_code == 403  # the engine still refuses a post


def test_the_lanes_own_account_and_an_admin_get_the_form(web_world, signed_in):
    case_id = web_world.case_with("interim_review_1")
    task_id = web_world.task_id(case_id, "interim_review_1")
    for name in ("hana.host", "ada.admin"):
        html = signed_in(name).get(f"/tasks/{task_id}").get_data(as_text=True)
        assert "Complete task" in html and "This task is for" not in html, name
        assert "Host school" in html  # the lane in words, not host_school
    auditor = signed_in("aud.auditor").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "This task is for the host school" in auditor and "Complete task" not in auditor


def test_the_task_list_names_processes_and_teams_in_words(signed_in):
    html = signed_in("ada.admin").get("/").get_data(as_text=True)
    assert ">Reintegration from alternative provision</option>" in html
    assert ">Local authority admissions team</option>" in html
    assert "Reintegration from alternative provision, host school" in html
    assert ">reintegration<" not in html and "la admissions" not in html

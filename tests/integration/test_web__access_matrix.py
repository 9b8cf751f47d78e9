"""Every demo account against every route: a case that is not yours is a 404, an action you may not take
a 403 (the whole role x action x organisation table is tests/integration/access_matrix.py).

The demo case at its first interim review (host school Kingsmead, home school Hollybrook, AP Severn Vale,
Worcestershire) and another AP's case (Riverside, home school Westfield, same authority) are tried by id
by every account, including another school's (wes.wrong) and another AP's (una.ap)."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_READ
from tests.web_helpers import post

USERS = ("ada.admin", "aud.auditor", "pia.owner", "ava.ap", "lee.la", "hana.host", "omar.home", "olu.attendance",
         "otto.outreach", "wes.wrong", "una.ap")
# Who can see which case (200); everyone else gets 404.
SEES_DEMO = {"ada.admin", "aud.auditor", "pia.owner", "ava.ap", "lee.la", "hana.host", "omar.home", "olu.attendance",
             "otto.outreach"}
SEES_OTHER = {"ada.admin", "aud.auditor", "pia.owner", "lee.la", "olu.attendance", "otto.outreach", "una.ap"}


@pytest.fixture
def clients(signed_in):
    return {name: signed_in(name) for name in USERS}


def _expect(name: str, visible: set[str], allowed: set[str], ok: int) -> int:
    if name not in visible:
        return 404
    return ok if name in allowed else 403


def test_reading_a_case_its_diagram_and_its_task_by_id(web_world, clients):
    demo = web_world.case_with("interim_review_1")
    demo_task = web_world.task_id(demo, "interim_review_1")
    other_task = web_world.task_id(web_world.other_case, "record_parental_consent")
    for name, client in clients.items():
        for case_id, task_id, visible in ((demo, demo_task, SEES_DEMO), (web_world.other_case, other_task, SEES_OTHER)):
            expected = 200 if name in visible else 404
            assert client.get(f"/cases/{case_id}").status_code == expected, (name, case_id)
            assert client.get(f"/cases/{case_id}/diagram.bpmn").status_code == expected, (name, case_id)
            assert client.get(f"/tasks/{task_id}").status_code == expected, (name, task_id)


def test_completing_a_task_only_in_your_lane_on_a_case_you_can_see(web_world, clients):
    demo = web_world.case_with("interim_review_1")
    task = web_world.task_id(demo, "interim_review_1")
    for name, client in clients.items():
        # An empty form: 400 (the form's errors) for those who may do the task, and nothing is completed.
        expected = _expect(name, SEES_DEMO, {"ada.admin", "hana.host"}, 400)
        assert post(client, f"/tasks/{task}").status_code == expected, name
    assert web_world.task_id(demo, "interim_review_1") == task


def test_claiming_only_in_your_lane(web_world, clients):
    other_task = web_world.task_id(web_world.other_case, "record_parental_consent")
    for name, client in clients.items():
        expected = _expect(name, SEES_OTHER, {"ada.admin", "una.ap"}, 302)
        assert post(client, f"/tasks/{other_task}/claim").status_code == expected, name
        if expected == 302:
            assert post(client, f"/tasks/{other_task}/unclaim").status_code == 302


def test_emergency_review_refused_to_all_but_the_case_parties(web_world, clients):
    demo = web_world.case_with("interim_review_1")
    for name, client in clients.items():
        if name in ("ada.admin", "ava.ap", "lee.la", "hana.host", "omar.home"):
            continue  # parties may request it: test_web__case_page does, once
        expected = _expect(name, SEES_DEMO, set(), 302)
        assert post(client, f"/cases/{demo}/emergency-review").status_code == expected, name
    with web_world.runtime.engine() as eng:
        assert "hold_emergency_review" not in {t["task"] for t in eng.show_case(demo, viewer=TEST_READ)["ready_tasks"]}


def test_admin_pages_and_mail_are_for_admins(clients):
    for name, client in clients.items():
        assert client.get("/admin/users").status_code == (200 if name == "ada.admin" else 403), name
        response = post(client, "/admin/users", {"name": f"new.{name}", "role": "auditor", "password": "long enough pw"})
        assert response.status_code == (302 if name == "ada.admin" else 403), name
        assert client.get("/mail").status_code == (200 if name in ("ada.admin", "aud.auditor") else 403), name
        assert client.get("/").status_code == 200
        assert client.get("/accessibility").status_code == 200


def test_signed_out_requests_go_to_sign_in(web_world, web_app):
    client = web_app.test_client()
    demo = web_world.case_with("interim_review_1")
    for path in ("/", f"/cases/{demo}", f"/cases/{demo}/diagram.bpmn", "/mail", "/admin/users",
                 f"/tasks/{web_world.task_id(demo, 'interim_review_1')}"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/sign-in?next="), path
    assert client.get("/accessibility").status_code == 200
    assert client.post(f"/cases/{demo}/emergency-review").status_code in (302, 400)

"""`next` after sign-in and `back` after taking a task lead only to a path on this site: tabs, CR/LF,
backslashes, encoded slashes and protocol-relative hosts all fall back to the task list, never a 500."""
from __future__ import annotations

import pytest

from cli.demo_data import DEMO_PASSWORD
from tests.web_helpers import csrf, post
from web.redirects import safe_path

HOSTILE = ["//evil.example/x", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example/phish",
           "/\t\\evil.example", "\t//evil.example", "/\r\n/evil.example", "/a\r\nSet-Cookie: x=1", "/%2F/evil.example",
           "/%2f%2fevil.example", "/%5Cevil.example", "/%09/evil.example", "/%252F%252Fevil.example", "/ /evil.example",
           "javascript:alert(1)", "evil.example", "/\x00/evil.example", "/\u3000/evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_anything_but_a_plain_path_falls_back(target):
    assert safe_path(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/accessibility", "/tasks?scope=mine&page=2", "/cases/abc/audit",
                                    "/reports/service?year=2026%2F27"])
def test_a_path_on_this_site_is_kept(target):
    assert safe_path(target, "/home") == target


def test_the_reported_tab_redirect_stays_on_the_site(web_app):
    client = web_app.test_client()
    page = client.get("/sign-in?next=%2F%09%2Fevil.example%2Fphish")
    assert page.status_code == 200 and "evil.example" not in page.get_data(as_text=True)
    response = client.post("/sign-in", data={"name": "hana.host", "password": DEMO_PASSWORD,
                                             "csrf_token": csrf(client, "/sign-in"), "next": "/\t/evil.example/phish"})
    assert response.status_code == 302 and response.location == "/"


def test_sign_in_never_redirects_off_the_site(web_app):
    for target in HOSTILE:
        client = web_app.test_client()
        assert client.get("/sign-in", query_string={"next": target}).status_code == 200
        response = client.post("/sign-in", data={"name": "hana.host", "password": DEMO_PASSWORD,
                                                 "csrf_token": csrf(client, "/sign-in"), "next": target})
        assert response.status_code == 302 and response.location == "/", target


def test_a_wrong_password_with_cr_lf_in_next_is_a_clear_400(web_app):
    client = web_app.test_client()
    response = client.post("/sign-in", data={"name": "hana.host", "password": "not the password",
                                             "csrf_token": csrf(client, "/sign-in"), "next": "/\r\nX: y"})
    assert response.status_code == 400 and "The user name or password is not right" in response.get_data(as_text=True)


def test_the_claim_forms_back_field_stays_on_the_site(web_world, signed_in):
    client = signed_in("hana.host")
    task = web_world.task_id(web_world.placement, "interim_review_1")
    for target in HOSTILE:
        response = post(client, f"/tasks/{task}/claim", {"back": target})
        assert response.status_code == 302 and response.location == "/", target
        post(client, f"/tasks/{task}/unclaim")
    assert post(client, f"/tasks/{task}/claim", {"back": "/?scope=mine"}).location == "/?scope=mine"

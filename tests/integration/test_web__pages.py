"""The web pages over demo data: task list with due flags and filters, a case, the mail page.

Every page now needs a signed-in user: these tests sign in as the demo admin, who sees every case."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from cli.demo_data import DEMO_PASSWORD, STAGES, load_demo
from engine.clock import FixedClock
from engine.wiring import Runtime
from handlers import default_registry
from schooling.policy import load_policy
from web import create_app


@pytest.fixture
def client(db_url):
    rt = Runtime(url=db_url, clock=FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC)),
                 policy=load_policy(), registry=default_registry())
    rt.upgrade()
    with rt.engine() as eng:
        from tests.conftest import REINTEGRATION

        eng.deploy(REINTEGRATION.read_bytes(), str(REINTEGRATION), "system")
    assert "5 cases loaded" in load_demo(rt)
    assert "nothing loaded" in load_demo(rt)  # idempotent
    client = create_app(rt, {"TESTING": True}).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)
    assert client.post("/sign-in", data={"name": "ada.admin", "password": DEMO_PASSWORD, "csrf_token": token}).status_code == 302
    return client


def test_task_list_shows_every_case_with_due_dates_and_filters(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(re.findall(r'href="/cases/', html)) == len(STAGES)
    assert "Hold first interim review" in html and "2026-" in html
    assert page.headers["X-Frame-Options"] == "DENY"
    only_la = client.get("/?lane=la_admissions").get_data(as_text=True)
    assert "Record that the child will be considered under Fair Access" in only_la
    assert "Hold first interim review" not in only_la


def test_case_page_and_mail_and_unknown_case(client):
    html = client.get("/").get_data(as_text=True)
    case_id = re.search(r'href="/cases/([A-Z]+-[0-9A-F]+)"', html).group(1)
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "History" in page.get_data(as_text=True)
    assert client.get("/cases/NOPE-1").status_code == 404
    mail = client.get("/mail").get_data(as_text=True)
    assert "Reintegration referral for Fair Access" in mail

"""An early help worker in Chromium follows the half-termly list's link to a pupil's case: the case page opens with
the pupil's name and plan and offers no task to do, at 1280 and 375 px; their Cases page lists the cases sent."""
from __future__ import annotations

import re
import shutil

from cli.demo_data import DEMO_PASSWORD
from engine.wiring import Runtime
from schooling.timetable_list import send_due_lists
from tests.browser.chromium import chromium_browser, live_server
from tests.integration.test_timetable__half_term_list import at, h, lists, term  # noqa: F401  (fixtures)


def test_the_lists_link_opens_the_case_read_only(h, term, tmp_path):  # noqa: F811
    from web import create_app

    at(h, 2026, 3, 28)
    with h.transaction() as eng:
        send_due_lists(eng)
    [mail] = [m for m in lists(h) if m.recipient == "early.help@worcs.example"]
    path = re.search(rf"http://127\.0\.0\.1:5000(/cases/{term['running']})", mail.body).group(1)
    app = create_app(Runtime(url=h.url, clock=h.clock, policy=h.policy, registry=h.registry), {"TESTING": True})
    with live_server(app) as base, chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/sign-in?next={path}")
        page.fill("input[name=name]", "eve.early")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}{path}")
        text = page.inner_text("main")
        assert "Jordan Ellis" in text and "Review the reintegration timetable" in text
        assert page.locator("main form button, main a:has-text('Do this task')").count() == 0
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            shot = tmp_path / f"agency-case-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            shutil.copy(shot, f"/tmp/agency-case-{width}.png")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(f"{base}{path}/forms/timetable-plan")
        assert "Ms R Patel, SENCo" in page.inner_text("main")  # the school's plan, as the guidance shares it
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"/tmp/agency-plan-{width}.png", full_page=True)
        page.goto(f"{base}/cases")
        listed = page.inner_text("main")
        assert term["ended"] in listed and term["running"] in listed and term["proposed"] not in listed
        page.screenshot(path="/tmp/agency-cases-375.png", full_page=True)

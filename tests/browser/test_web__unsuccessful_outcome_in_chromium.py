"""The unsuccessful outcome in Chromium, for a pupil on the AP setting's roll only: the host head teacher's
form of the three checks and the signature, the deletion from the roll naming the 2024 ground, the letter
with its evidence, and the case page saying there is no home school; each at 1280 and 375 px, without
sideways scrolling, screenshotted for a person to look at."""
from __future__ import annotations

import pytest

from cli import scenarios as s
from tests.browser.chromium import chromium_browser, live_server
from tests.browser.test_web__caseworker_in_chromium import _page, _sign_in
from tests.conftest import TEST_READ
from tests.integration.reintegration_cases import EMERGENCY, drive

PATH = [*list(s.HAPPY_PATH)[:9], EMERGENCY, "hold_emergency_review", "record_unsuccessful_outcome_ap"]


@pytest.fixture
def failed(web_world):
    return drive(web_world.runtime, PATH, pupil="Ola Apronly", changes={"start": {"home_school": None}}).case_id


def _task(rt, case_id: str, element: str) -> str:
    with rt.engine() as eng:
        return next(t["task_id"] for t in eng.show_case(case_id, viewer=TEST_READ)["ready_tasks"] if t["task"] == element)


def _look(page, url: str, shot, name: str) -> str:
    text = ""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.screenshot(path=str(shot / f"{name}-{width}.png"), full_page=True)
        text = page.inner_text("main")
    return text


def test_the_head_checks_signs_and_the_pupil_leaves_the_roll(web_world, web_app, failed, tmp_path):
    rt = web_world.runtime
    problems: list[str] = []
    with chromium_browser() as browser, live_server(web_app) as server:
        page = _page(browser, server, problems)
        _sign_in(page, server, "hana.host")
        text = _look(page, f"{server}/tasks/{_task(rt, failed, 'confirm_failure_decision')}", tmp_path, "decision")
        for label in ("Any key incident has been investigated fully",
                      "I have checked whether the incident was provoked by racial or sexual harassment",
                      "The child has been allowed to give their version of events",
                      "I sign the letter to the parent/carer as head teacher of the host school"):
            assert label in text, label
        with rt.engine() as eng:
            eng.complete_task(_task(rt, failed, "confirm_failure_decision"), s.UNSUCCESSFUL_PATH["confirm_failure_decision"],
                              "hana.host")
        text = _look(page, f"{server}/tasks/{_task(rt, failed, 'remove_from_roll')}", tmp_path, "roll")
        assert "School Attendance (Pupil Registration) (England) Regulations 2024, regulation 9(1)" in text
        assert "9(1)(c): also registered at another school (the AP setting)" in text
        text = _look(page, f"{server}/cases/{failed}/forms/failure-letter", tmp_path, "letter")
        assert "Review meetings:" in text and "held with the case" not in text
        assert "The head teacher of Severn Vale Learning Centre has been notified" in text
        text = _look(page, f"{server}/cases/{failed}", tmp_path, "case")
        assert "None: the pupil is on the AP setting's roll only" in text
    assert problems == []
    print(f"screenshots in {tmp_path}")

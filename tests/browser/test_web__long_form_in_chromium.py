"""A long form in Debian's Chromium: "Gather reintegration information" in its parts, saved half way
with "Save and come back later", taken up again, money and a percentage written as people write them,
its check-answers page, then done; and an emergency review asked for with its reason and confirmed.
Each page is screenshotted at 1280 and 375 px into `test-screenshots/` and must not scroll sideways
at 375 px or show markup, ISO dates or role ids as text."""
from __future__ import annotations

from tests.browser.test_web__caseworker_in_chromium import _page, _sign_in, browser, server  # noqa: F401
from tests.browser.test_web__start_and_find_in_chromium import shoot
from tests.conftest import TEST_READ

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture fails the test with the fix
    expect = None


def _radio(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_a_long_form_in_parts_saved_for_later_checked_and_done(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "ava.ap")
    case_id = web_world.case_with("gather_information")
    task = web_world.task_id(case_id, "gather_information")
    page.goto(f"{server}/tasks/{task}")
    expect(page.get_by_text("Part 1 of 5")).to_be_visible()
    for question in ("Attainment", "Effort", "Attitude to staff", "Attitude to peers", "Homework"):
        _radio(page, question, "Good")
    page.get_by_label("Reasons for reintegration: why might a reintegration to this school be successful?").fill(
        "A fresh start near home")
    count = page.locator('[data-module="govuk-character-count"]', has=page.locator("#reasons_for_reintegration"))
    expect(count.locator(".govuk-character-count__status")).to_contain_text("You have 2,977 characters remaining")
    shoot(page, "long-form-part-1")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("your answers have been saved")

    page.goto(f"{server}/tasks/{task}")  # back later: the answers are there
    expect(page.locator("#draft-saved")).to_be_visible()
    expect(page.get_by_label("Reasons for reintegration: why might a reintegration to this school be successful?")
           ).to_have_value("A fresh start near home")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Part 2 of 5")).to_be_visible()
    page.get_by_label("Attendance (%)").fill("ninety")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Attendance must be a number")
    shoot(page, "long-form-part-2-error")
    page.get_by_label("Attendance (%)").fill("91.5%")
    page.get_by_label("Year group").fill("9")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # part 3: nothing required
    page.get_by_role("button", name="Continue").click()  # part 4
    expect(page.get_by_text("Part 5 of 5")).to_be_visible()
    _radio(page, "Is the pupil at risk of the reintegration failing, so that an advocate should be engaged?", "No")
    page.get_by_label("Current setting's annual cost (GBP)").fill("£18,000.50")
    shoot(page, "long-form-part-5")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check your answers: gather reintegration information")).to_be_visible()
    expect(page.get_by_text("£18,000.50", exact=True)).to_be_visible()
    expect(page.get_by_text("91.5%", exact=True)).to_be_visible()
    shoot(page, "long-form-check-answers")
    page.get_by_role("button", name="Confirm and complete task").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Gather reintegration information: done")
    with web_world.runtime.engine() as eng:
        data = eng.show_case(case_id, viewer=TEST_READ)["data"]
    assert (data["current_setting_funding"], data["attendance_percent"]) == (18000.5, 91.5)
    expected = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    assert problems.count(expected) == 1 and [p for p in problems if p != expected] == [], problems


def test_an_emergency_review_is_asked_for_with_its_reason_and_confirmed(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "hana.host")
    case_id = web_world.case_with("interim_review_1")
    page.goto(f"{server}/cases/{case_id}")
    page.get_by_role("button", name="Request emergency review").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why an emergency review is needed")
    shoot(page, "emergency-review-error")
    page.get_by_label("Why is an emergency review needed?").fill("Two fights this week; the school is considering "
                                                                 "ending the placement.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before requesting an emergency review")).to_be_visible()
    shoot(page, "emergency-review-check")
    page.get_by_role("button", name="Request emergency review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Emergency review requested")
    expected = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    assert problems.count(expected) == 1 and [p for p in problems if p != expected] == [], problems

"""The auditor's view in Debian's Chromium (Playwright, never a downloaded browser): an auditor signs in,
opens a case's audit view from the case page, steps back through its history with the slider, the
keyboard, the timeline and the previous-step link, and the diagram follows (the path taken so far in
green, the tasks ready then in blue); verification says the record is intact; without scripts the links
still step. axe-core finds no serious or critical violation on the audit and printable pages, and the
printed page leaves the service's header and buttons off."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from cli.demo_data import DEMO_PASSWORD
from tests.browser import test_web__caseworker_in_chromium as caseworker
from tests.browser.test_web__caseworker_in_chromium import AXE, _page, _sign_in
from tests.browser.test_web__start_and_find_in_chromium import SHOTS
from tests.conftest import TEST_READ
from tests.integration.reintegration_cases import EMERGENCY_END_PATH, drive

browser, server = caseworker.browser, caseworker.server  # the caseworker test's fixtures: Chromium, the app


def _diagram(page, element: str, marker: str):
    return page.locator(f'#audit-diagram [data-element-id="{element}"].{marker}')


def _ready_at_step(page) -> list[str]:
    return sorted(page.locator("#ready-at-step li").evaluate_all("els => els.map(e => e.dataset.task)"))


def _marked_current(page) -> list[str]:
    return sorted(page.locator("#audit-diagram .djs-shape.app-current").evaluate_all(
        "els => els.map(e => e.dataset.elementId)"))


def test_auditor_steps_back_through_the_history_and_the_diagram_follows(browser, server, web_world):
    case_id = web_world.placement
    with web_world.runtime.engine() as eng:
        history = eng.history(case_id, viewer=TEST_READ)
    last = history[-1]["seq"]
    consent = next(e["seq"] for e in history if e["element"] == "record_parental_consent")
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "aud.auditor")
    page.goto(f"{server}/cases/{case_id}")
    page.get_by_role("link", name="Auditor's view: history, replay and verification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case_id}: Kim Placement")
    expect(page.locator("#step-heading")).to_contain_text(f"Step {last}:")

    # The latest step: the whole path so far in green, the first interim review ready in blue.
    expect(_diagram(page, "interim_review_1", "app-current")).to_have_count(1)
    expect(_diagram(page, "hold_initial_meeting", "app-path")).to_have_count(1)
    expect(_diagram(page, "record_parental_consent", "app-path")).to_have_count(1)
    assert page.locator("#audit-diagram .djs-connection.app-path").count() >= 5  # flows between steps taken
    assert page.evaluate("window.auditDiagram.ready") and page.evaluate("window.auditDiagram.error") is None
    expect(page.locator("#step-submit")).to_be_hidden()  # scripts step in place
    # The diagram opens on the task ready at the step, big enough to read, with the zoom buttons.
    viewer = page.locator("#audit-diagram").bounding_box()
    task = page.locator('#audit-diagram [data-element-id="interim_review_1"] .djs-visual > :first-child').bounding_box()
    assert task["width"] >= 80 and viewer["x"] <= task["x"] and task["x"] + task["width"] <= viewer["x"] + viewer["width"]
    expect(page.locator("#audit-diagram-toolbar [data-zoom-status]")).to_have_text("Zoom: 100%")
    # The timeline is part of the page, not a box of its own that cuts an entry off half way.
    assert page.locator("#audit-timeline").evaluate(
        "t => getComputedStyle(t).overflowY === 'visible' && t.scrollHeight <= t.clientHeight + 1")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-1280.png"), full_page=True)

    # The slider back to just after consent: nothing after it is on the path any more.
    page.locator("#step").fill(str(consent))
    expect(page.locator("#step-heading")).to_have_text(f"Step {consent}: Task completed: Record parental consent")
    assert page.url.endswith(f"/cases/{case_id}/audit?step={consent}")
    expect(_diagram(page, "interim_review_1", "app-path")).to_have_count(0)
    expect(_diagram(page, "interim_review_1", "app-current")).to_have_count(0)
    expect(_diagram(page, "hold_initial_meeting", "app-path")).to_have_count(0)
    expect(_diagram(page, "record_parental_consent", "app-path")).to_have_count(1)
    assert _marked_current(page) == _ready_at_step(page) and "gather_information" in _ready_at_step(page)
    expect(page.locator("#entered-at-step")).to_contain_text("Relationship to child/young person")
    expect(page.locator("#audit-timeline a[aria-current=step]")).to_have_text(re.compile(rf"^Step {consent}:"))

    # The keyboard: one step back with the arrow key, announced.
    page.locator("#step").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#step-heading")).to_have_text("Step 1: Case started")
    expect(page.locator("#step-status")).to_have_text(re.compile(r"^Showing Step 1 of \d+: Case started"))
    expect(page.locator("#step")).to_be_focused()
    expect(_diagram(page, "record_parental_consent", "app-current")).to_have_count(1)
    expect(_diagram(page, "record_parental_consent", "app-path")).to_have_count(0)

    # The timeline and the previous-step link step too; focus moves to the step shown.
    page.locator("#audit-timeline").get_by_role("link", name=re.compile(r"^Step 3: ")).click()
    expect(page.locator("#step-heading")).to_contain_text("Step 3:")
    expect(page.locator("#step-heading")).to_be_focused()
    page.get_by_role("link", name="Previous step (2)").click()
    expect(page.locator("#step-heading")).to_contain_text("Step 2:")
    assert page.locator("#step").input_value() == "2"
    page.go_back()
    expect(page.locator("#step-heading")).to_contain_text("Step 3:")

    page.get_by_role("button", name="Verify the record").click()
    expect(page.locator("#verify-result")).to_contain_text("The record is intact")
    assert problems == [], problems


def test_at_375_px_the_audit_page_fits_and_its_diagram_opens_readable(browser, server, web_world):
    problems: list[str] = []
    page = _page(browser, server, problems)
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(page, server, "aud.auditor")
    page.goto(f"{server}/cases/{web_world.placement}/audit")
    expect(page.locator("#audit-diagram-toolbar")).to_be_visible()  # shown once the diagram is drawn
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    task = page.locator('#audit-diagram [data-element-id="interim_review_1"] .djs-visual > :first-child').bounding_box()
    assert task["width"] >= 80 and 0 <= task["x"] and task["x"] + task["width"] <= 375
    page.screenshot(path=str(SHOTS / "audit-375.png"), full_page=True)
    assert problems == [], problems


def test_without_scripts_the_links_and_the_form_still_step(browser, server, web_world):
    problems: list[str] = []
    page = _page(browser, server, problems, java_script_enabled=False)
    page.goto(server + "/sign-in")
    page.get_by_label("User name").fill("lee.la")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server}/cases/{web_world.placement}/audit?step=3")
    expect(page.locator("#step-heading")).to_contain_text("Step 3:")
    expect(page.get_by_role("button", name="Show this step")).to_be_visible()
    page.get_by_role("link", name="Previous step (2)").click()
    expect(page.locator("#step-heading")).to_contain_text("Step 2:")
    page.get_by_role("button", name="Show this step").click()  # the slider's own value, sent by the form
    expect(page.locator("#step-heading")).to_contain_text("Step 2:")
    assert problems == [], problems


def test_axe_finds_no_serious_or_critical_violations_on_audit_and_printable_pages(browser, server, web_world):
    failed = drive(web_world.runtime, EMERGENCY_END_PATH, pupil="Fay Failed").case_id
    problems: list[str] = []
    page = _page(browser, server, problems, bypass_csp=True)  # axe is injected as an inline script
    _sign_in(page, server, "aud.auditor")
    base = f"{server}/cases/{failed}"
    pages = [f"{base}/audit", f"{base}/audit?step=2", f"{base}/audit/verify", f"{base}/audit/print", f"{base}/forms"]
    pages += [f"{base}/forms/{slug}" for slug in ("consent", "information", "child-views", "initial-meeting", "review",
                                                 "unsuccessful-outcome", "failure-letter")]
    axe = AXE.read_text()
    found = {}
    for url in pages:
        page.goto(url)
        if "/audit" in url and "verify" not in url and "print" not in url:
            expect(page.locator("#audit-diagram .djs-shape").first).to_be_attached()
        page.add_script_tag(content=axe)
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                               ".filter(v => ['serious', 'critical'].includes(v.impact))"
                               ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
        if result:
            found[url] = result
    assert found == {}, found

    # On paper: the form without the service around it.
    page.goto(f"{base}/forms/consent")
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".govuk-template__header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
    expect(page.get_by_role("heading", name="Reintegration Consent Form")).to_be_visible()
    assert problems == [], problems

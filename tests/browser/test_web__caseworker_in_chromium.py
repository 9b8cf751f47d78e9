"""The web app in Debian's Chromium (Playwright, never a downloaded browser): a host-school caseworker signs
in, completes a task with a mistake, sees the error, fixes it and the case moves on; the case diagram draws
with the current task marked; with the app's own CSP on, the console stays clean. axe-core (npm) finds no
serious or critical violation on the main pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from cli.demo_data import DEMO_PASSWORD
from tests.browser.chromium import chromium_browser, live_server

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture fails the test with the fix
    expect = None

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
GOVUK_CSS = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "govuk-frontend.min.css"


@pytest.fixture
def server(web_app):
    if not GOVUK_CSS.is_file() or not AXE.is_file():
        pytest.fail("node_modules lacks govuk-frontend or axe-core: run `npm ci` (make test does)")
    with live_server(web_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def _page(browser, server, problems: list[str], **context_options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))

    def only_local(route):
        if route.request.url.startswith(server + "/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            problems.append(f"outside request: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    return page


def _sign_in(page, server, name: str):
    page.goto(server + "/")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Tasks", exact=True)).to_be_visible()


def test_caseworker_fixes_a_mistake_and_the_case_moves_on(browser, server, web_world):
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "hana.host")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    task = web_world.task_id(web_world.placement, "interim_review_1")
    page.locator(f'a[href="/tasks/{task}"]', has_text="Hold first interim review").click()
    date = page.get_by_role("group", name="Date of meeting")
    date.get_by_label("Day").fill("31")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2027")
    page.get_by_label("Progress towards integration").fill("Settling in well")
    page.get_by_role("button", name="Complete task").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend's JS moves focus to the summary
    expect(summary).to_contain_text("Date of meeting must be a real date")
    assert page.title().startswith("Error: ")
    expect(page.get_by_label("Progress towards integration")).to_have_value("Settling in well")
    summary.get_by_role("link").first.click()
    expect(page.locator("#meeting_date-day")).to_be_focused()

    page.locator("#meeting_date-day").fill("20")
    page.locator("#meeting_date-month").fill("11")
    page.locator("#meeting_date-year").fill("2026")
    page.get_by_role("button", name="Complete task").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Hold first interim review: done")
    expect(page.get_by_role("link", name="Hold second interim review")).to_be_visible()
    # The diagram draws, with the task now ready outlined (a locator: the page's CSP forbids eval polling).
    expect(page.locator('#diagram [data-element-id="interim_review_2"].app-current')).to_have_count(1)
    assert page.evaluate("window.caseDiagram.ready") and page.evaluate("window.caseDiagram.error") is None
    assert page.locator('#diagram [data-element-id]').count() > 50
    # The one expected: the form sent with a mistake comes back as 400 with its errors.
    expected = "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    assert problems.count(expected) == 1 and [p for p in problems if p != expected] == [], problems


@pytest.mark.parametrize("who", ["hana.host", "ada.admin"])
def test_axe_finds_no_serious_or_critical_violations(browser, server, web_world, who):
    problems: list[str] = []
    page = _page(browser, server, problems, bypass_csp=True)  # axe is injected as an inline script
    page.goto(server + "/sign-in")
    pages = {"sign in": server + "/sign-in"}
    _sign_in(page, server, who)
    case_id = web_world.case_with("interim_review_1")
    pages.update({"tasks": server + "/", "task": server + f"/tasks/{web_world.task_id(case_id, 'interim_review_1')}",
                  "case": server + f"/cases/{case_id}", "accessibility": server + "/accessibility"})
    if who == "ada.admin":
        pages["accounts"] = server + "/admin/users"
    axe = AXE.read_text()
    found = {}
    for name, url in pages.items():
        page.goto(url)
        page.add_script_tag(content=axe)
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                               ".filter(v => ['serious', 'critical'].includes(v.impact))"
                               ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
        if result:
            found[name] = result
    # the error state of the task form too
    page.goto(pages["task"])
    page.get_by_role("button", name="Complete task").click()
    page.add_script_tag(content=axe)
    errors_page = page.evaluate("async () => (await axe.run()).violations.filter(v => ['serious', 'critical']"
                                ".includes(v.impact)).map(v => v.id)")
    assert found == {} and errors_page == [], (found, errors_page)

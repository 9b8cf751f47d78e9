"""The case page as a caseworker sees it in Debian's Chromium (Playwright, never a downloaded browser): the
protocol's stages as a GOV.UK task list with their statuses, the next step with who has it and how late
it is in school days, and the diagram opened on the current step at a readable size, with zoom buttons
that work from the keyboard, drag and arrow keys to move, and lanes named for people. At 375 px nothing
scrolls sideways and the current step is still in view; axe-core finds no serious or critical violation.
Screenshots at 1280 and 375 px go to `test-screenshots/`."""
from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.test_web__caseworker_in_chromium import AXE, _page, _sign_in, browser, server  # noqa: F401
from tests.browser.test_web__organisations_in_chromium import AXE_SERIOUS
from tests.browser.test_web__start_and_find_in_chromium import ISO_DATE, ROLE_IDS, SHOTS
from tests.integration.reintegration_cases import EMERGENCY_END_PATH, drive

#: bpmn-js draws a task 100 px wide at scale 1; a person reads its name from about 0.8 (80 px) up.
READABLE_TASK_WIDTH = 80
STAGES_AT_THE_FIRST_REVIEW = [
    ("Consent", "Completed"), ("Information and the child's views", "Completed"), ("Advocacy, if needed", "Not needed"),
    ("A school place through Fair Access", "Completed"), ("Initial meeting", "Completed"),
    ("Placement and reviews", "In progress"), ("Outcome", "Cannot start yet")]


def _stages(page) -> list[tuple[str, str]]:
    rows = page.locator(".govuk-task-list__item")
    return [(row.locator(".govuk-task-list__name-and-hint > div").first.inner_text().strip(),
             row.locator(".govuk-task-list__status").inner_text().strip()) for row in rows.all()]


def _box(page, element: str) -> dict:
    """Where the step's shape is drawn on the screen."""
    return page.locator(f'#diagram [data-element-id="{element}"] .djs-visual > :first-child').bounding_box()


def _inside(inner: dict, outer: dict) -> bool:
    return (outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


def _open(page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#diagram-toolbar")).to_be_visible()  # shown once the diagram is drawn
    assert page.evaluate("window.caseDiagram.ready") and page.evaluate("window.caseDiagram.error") is None


def _words_only(page, name: str) -> None:
    """The page's text reads as words: no ISO date, role id or markup (the diagram is checked apart)."""
    text = page.evaluate("""() => { const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('.app-diagram').forEach(d => d.remove()); return main.innerText; }""")
    assert not ISO_DATE.search(text) and not ROLE_IDS.search(text), (name, ISO_DATE.findall(text), ROLE_IDS.findall(text))
    assert "<" not in text and "&lt;" not in text, name


def test_the_summary_and_the_diagram_show_where_the_case_stands(browser, server, web_world):  # noqa: F811
    case_id = web_world.placement
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "hana.host")
    _open(page, f"{server}/cases/{case_id}")
    assert _stages(page) == STAGES_AT_THE_FIRST_REVIEW
    expect(page.locator(".govuk-task-list__item", has_text="Placement and reviews")).to_contain_text(
        "Now: Hold first interim review")
    step = page.locator(".app-next-step")
    expect(step.get_by_role("link", name="Hold first interim review")).to_be_visible()
    expect(step).to_contain_text("Host school: Kingsmead High School")
    expect(step).to_contain_text("Due 14 December 2026")
    _words_only(page, "case-summary")

    # The diagram opens on the current step, whole and big enough to read.
    viewer = page.locator("#diagram").bounding_box()
    task = _box(page, "interim_review_1")
    assert _inside(task, viewer) and task["width"] >= READABLE_TASK_WIDTH, (task, viewer)
    expect(page.locator('#diagram [data-element-id="interim_review_1"].app-current')).to_have_count(1)
    # Lanes are named for people, on the diagram and at its edge while their headers are out of view.
    expect(page.locator('#diagram [data-element-id="Lane_host_school"] .djs-label')).to_have_text("Host school")
    lane_texts = page.locator("#diagram .djs-shape[data-element-id^=Lane_] .djs-label").evaluate_all(
        "els => els.map(e => e.textContent)")
    assert lane_texts and not any(ROLE_IDS.search(t) for t in lane_texts), lane_texts
    expect(page.locator('.app-lane-label[data-lane="Lane_host_school"]')).to_be_visible()
    expect(page.locator('.app-lane-label[data-lane="Lane_host_school"]')).to_have_text("Host school")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-summary-1280.png"), full_page=True)

    # Zoom in and out with the buttons, from the keyboard.
    status = page.locator("[data-zoom-status]")
    expect(status).to_have_text("Zoom: 100%")
    page.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Zoom: 125%")
    assert _box(page, "interim_review_1")["width"] > task["width"] * 1.2
    page.get_by_role("button", name="Zoom out").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    expect(status).to_have_text("Zoom: 80%")
    assert _box(page, "interim_review_1")["width"] < task["width"]
    page.get_by_role("button", name="Whole diagram").click()
    whole = page.locator("#diagram .djs-shape[data-element-id^=Lane_]").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect()).map(r => ({x: r.x, y: r.y, width: r.width, height: r.height}))")
    viewer = page.locator("#diagram").bounding_box()  # the page may have scrolled to the buttons
    assert whole and all(_inside(lane, {**viewer, "x": viewer["x"] - 1, "width": viewer["width"] + 2}) for lane in whole)
    page.get_by_role("button", name="Back to the current step").click()
    expect(status).to_have_text("Zoom: 100%")
    task = _box(page, "interim_review_1")
    assert _inside(task, viewer) and task["width"] >= READABLE_TASK_WIDTH, (task, viewer)

    # Drag to move the diagram; with the diagram in focus, the arrow keys move it too.
    page.mouse.move(viewer["x"] + 200, viewer["y"] + 60)
    page.mouse.down()
    page.mouse.move(viewer["x"] + 100, viewer["y"] + 40, steps=5)
    page.mouse.up()
    dragged = _box(page, "interim_review_1")
    assert abs(dragged["x"] - (task["x"] - 100)) < 3 and abs(dragged["y"] - (task["y"] - 20)) < 3, (dragged, task)
    page.locator("#diagram svg").first.focus()
    page.keyboard.press("ArrowRight")
    assert _box(page, "interim_review_1")["x"] < dragged["x"] - 30
    page.keyboard.press("+")
    expect(status).to_have_text("Zoom: 125%")
    assert problems == [], problems


def test_at_375_px_nothing_scrolls_sideways_and_the_current_step_is_in_view(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(page, server, "hana.host")
    _open(page, f"{server}/cases/{web_world.placement}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    viewer = page.locator("#diagram").bounding_box()
    task = _box(page, "interim_review_1")
    assert _inside(task, viewer) and task["width"] >= READABLE_TASK_WIDTH, (task, viewer)
    for name in ("Zoom in", "Zoom out", "Whole diagram", "Back to the current step"):
        button = page.get_by_role("button", name=name).bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= 375, (name, button)
    page.screenshot(path=str(SHOTS / "case-summary-375.png"), full_page=True)
    assert problems == [], problems


def test_a_window_made_narrow_after_opening_keeps_the_current_step_in_view(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "hana.host")
    _open(page, f"{server}/cases/{web_world.placement}")
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(300)  # the resize event, then bpmn-js redraws
    viewer = page.locator("#diagram").bounding_box()
    task = _box(page, "interim_review_1")
    assert _inside(task, viewer) and task["width"] >= READABLE_TASK_WIDTH, (task, viewer)
    assert problems == [], problems


def test_a_late_step_is_counted_in_school_days_and_a_closed_case_says_so(browser, server, web_world):  # noqa: F811
    closed = drive(web_world.runtime, EMERGENCY_END_PATH, pupil="Fay Failed").case_id
    # 7 January 2027: the first review was due on Monday 14 December, four school days before the end of
    # the autumn term; the Christmas holiday and the INSET day on 4 January are not school days, so it is
    # 7 school days late (15 to 18 December, 5 to 7 January).
    web_world.runtime.clock.set(datetime(2027, 1, 7, 9, tzinfo=UTC))
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "lee.la")
    _open(page, f"{server}/cases/{web_world.placement}")
    step = page.locator(".app-next-step")
    expect(step.locator(".govuk-tag--red")).to_have_text("7 school days late")
    expect(step).to_contain_text("It was due 14 December 2026")

    _open(page, f"{server}/cases/{closed}")
    assert _stages(page) == [
        ("Consent", "Completed"), ("Information and the child's views", "Completed"),
        ("Advocacy, if needed", "Not needed"), ("A school place through Fair Access", "Completed"),
        ("Initial meeting", "Completed"), ("Placement and reviews", "Completed"), ("Outcome", "Completed")]
    expect(page.locator("main")).to_contain_text("None: the case is closed.")
    expect(page.locator(".govuk-summary-list__row", has_text="Outcome")).to_contain_text("Unsuccessful")
    expect(page.locator(".app-timeline")).to_contain_text("Message received: Emergency review requested")
    _words_only(page, "case-closed")
    # the diagram opens where the case ended, readable
    focus = page.evaluate("window.caseDiagram.focus")
    assert len(focus) == 1
    viewer, end = page.locator("#diagram").bounding_box(), _box(page, focus[0])
    assert _inside(end, viewer), (end, viewer)
    assert page.evaluate("window.caseDiagram.scale") >= 0.8
    page.screenshot(path=str(SHOTS / "case-closed-1280.png"), full_page=True)
    assert problems == [], problems


def test_the_case_page_passes_axe_at_both_widths(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems, bypass_csp=True)  # axe is injected as an inline script
    _sign_in(page, server, "hana.host")
    found = {}
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        _open(page, f"{server}/cases/{web_world.placement}")
        page.add_script_tag(content=AXE.read_text())
        found[width] = page.evaluate(AXE_SERIOUS)
    assert found == {1280: [], 375: []}, found

"""The modeller in Debian's Chromium (Playwright, never a downloaded browser): a process owner opens the
deployed reintegration diagram in bpmn-js with the Camunda 7 properties panel, breaks a topic and sees the
problem on the diagram and in the error summary, renames a task in the properties panel and adds a form
field, validates, deploys, and version 2 is listed; what it stored is a Camunda 7 diagram the CLI validates
and differs from version 1 in that task alone. axe-core finds no serious or critical violation on the
versions, diff and migration pages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cli.main import main
from engine import process_queries
from tests.browser.test_web__caseworker_in_chromium import AXE, _page, _sign_in, browser, server  # noqa: F401

ADD_FIELD = """() => {
  const modeler = window.processModeller.modeler
  const element = modeler.get('elementRegistry').get('allocate_place')
  const formData = element.businessObject.extensionElements.values.find(v => v.$type === 'camunda:FormData')
  const field = modeler.get('moddle').create('camunda:FormField',
    {id: 'offer_notes', label: 'Notes on the offer', type: 'string'})
  modeler.get('modeling').updateModdleProperties(element, formData, {fields: [...formData.fields, field]})
}"""
SET_TOPIC = """(topic) => {
  const modeler = window.processModeller.modeler
  modeler.get('modeling').updateProperties(modeler.get('elementRegistry').get('record_not_agreed'), {'camunda:topic': topic})
}"""


def test_owner_edits_validates_and_deploys_a_new_version(browser, server, web_world, tmp_path, monkeypatch, capsys):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "pia.owner")
    page.get_by_role("link", name="Processes").click()
    page.get_by_role("link", name="Edit version 1 in the modeller").click()
    canvas = page.locator("#modeller-canvas")
    expect(canvas.locator('[data-element-id="allocate_place"]')).to_have_count(1)
    assert page.evaluate("window.processModeller.ready") and page.evaluate("window.processModeller.warnings") == []

    page.evaluate(SET_TOPIC, "no_such_handler")
    page.get_by_role("button", name="Validate").click()
    summary = page.locator("#problems")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("record_not_agreed: no handler is registered for topic 'no_such_handler'")
    expect(canvas.locator('.app-problem-badge[data-problem-for="record_not_agreed"]')).to_be_visible()
    expect(canvas.locator('[data-element-id="record_not_agreed"].app-problem')).to_have_count(1)

    page.evaluate(SET_TOPIC, "record_not_agreed")
    # The modeller opens on the start of the process at a readable size: move to the task, as dragging would.
    page.evaluate("() => { const m = window.processModeller.modeler;"
                  " m.get('canvas').scrollToElement(m.get('elementRegistry').get('allocate_place')) }")
    canvas.locator('[data-element-id="allocate_place"]').first.click()
    general = page.locator('#modeller-properties [data-group-id="group-general"]')
    if not general.locator(".bio-properties-panel-group-entries.open").count():
        general.locator(".bio-properties-panel-group-header").click()
    name = general.locator("#bio-properties-panel-name")
    expect(name).to_have_value("Find a host school and offer the place")
    name.fill("Allocate a school place")
    name.press("Tab")
    page.evaluate(ADD_FIELD)
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#modeller-status")).to_have_text("No problems: the diagram can be deployed.")
    expect(summary).to_be_hidden()
    expect(canvas.locator(".app-problem-badge")).to_have_count(0)

    page.get_by_role("button", name="Deploy as a new version").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("reintegration version 2 deployed")
    # a deployed version is the one new cases start on
    expect(page.get_by_role("row").filter(has_text="pia.owner")).to_contain_text("2 New cases")
    assert problems == [], problems

    with web_world.runtime.engine() as eng:
        stored = process_queries.version_document(eng.session, "reintegration", 2)
        diff = eng.diff_versions("reintegration", 1, 2)
        assert eng.validate(stored.bpmn_xml.encode(), stored.filename) == []
    assert (diff["added"], diff["removed"], list(diff["changed"])) == ([], [], ["allocate_place"]), diff
    assert stored.titles["allocate_place"] == "Allocate a school place"
    assert 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"' in stored.bpmn_xml
    assert '<camunda:formField id="offer_notes" label="Notes on the offer" type="string" />' in stored.bpmn_xml
    # what the modeller saved is what Camunda Modeler and the command line read
    path = tmp_path / stored.filename
    path.write_text(stored.bpmn_xml)
    monkeypatch.setenv("REINTEGRATE_DATABASE_URL", web_world.runtime.url)
    assert main(["process", "validate", str(path)]) == 0, capsys.readouterr()


@pytest.mark.parametrize("who", ["pia.owner", "ada.admin"])
def test_axe_on_the_versions_diff_and_migration_pages(browser, server, web_world, signed_in, who):  # noqa: F811
    from tests.integration.test_web__processes import V2, _send

    assert _send(signed_in("pia.owner"), "deploy", V2).get_json()["version"] == 2
    problems: list[str] = []
    page = _page(browser, server, problems, bypass_csp=True)  # axe is injected as an inline script
    _sign_in(page, server, who)
    axe = AXE.read_text()
    found = {}
    for url in ("/processes", "/processes/reintegration/diff", "/processes/reintegration/versions/1/migrate"):
        page.goto(server + url)
        page.add_script_tag(content=axe)
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                               ".filter(v => ['serious', 'critical'].includes(v.impact))"
                               ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
        if result:
            found[url] = result
    # the dry run's results and the error state of the migration form
    page.goto(server + "/processes/reintegration/versions/1/migrate")
    page.get_by_label("All").check()
    page.get_by_role("button", name="Check (dry run)").click()
    expect(page.get_by_text("Dry run: nothing has moved yet")).to_be_visible()
    page.add_script_tag(content=axe)
    dry = page.evaluate("async () => (await axe.run()).violations.filter(v => ['serious', 'critical']"
                        ".includes(v.impact)).map(v => v.id)")
    assert found == {} and dry == [], (found, dry)


SHAPES_LEFT_OF = """(palette) => [...document.querySelectorAll('#modeller-canvas .djs-shape')]
  .map(e => [e.dataset.elementId, e.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && r.left < palette.right && r.right > palette.left
                     && r.top < palette.bottom && r.bottom > palette.top)
  .map(([id]) => id)"""


def test_the_modeller_uses_the_width_of_the_window_and_opens_readable(browser, server, web_world):  # noqa: F811
    from tests.browser.test_web__organisations_in_chromium import AXE_SERIOUS
    from tests.browser.test_web__start_and_find_in_chromium import SHOTS

    SHOTS.mkdir(exist_ok=True)
    problems: list[str] = []
    page = _page(browser, server, problems, bypass_csp=True)  # axe is injected as an inline script
    _sign_in(page, server, "pia.owner")
    page.goto(server + "/processes/reintegration/modeller")
    expect(page.locator("#modeller-toolbar")).to_be_visible()  # shown once the diagram is open
    canvas = page.locator("#modeller-canvas").bounding_box()
    assert canvas["width"] >= 800, canvas  # beside a 360 px properties panel, in 1280 px less the gutters
    assert page.locator("#modeller").bounding_box()["width"] >= 1200
    # The first view is readable and the palette stands beside the diagram, not over it.
    task = page.locator('#modeller-canvas [data-element-id="record_parental_consent"] .djs-visual > :first-child')
    box = task.bounding_box()
    assert box["width"] >= 80 and canvas["x"] <= box["x"] and box["x"] + box["width"] <= canvas["x"] + canvas["width"]
    palette = page.locator("#modeller-canvas .djs-palette").evaluate(
        "p => { const r = p.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom} }")
    assert page.evaluate(SHAPES_LEFT_OF, palette) == []
    expect(page.locator("#modeller-toolbar [data-zoom-status]")).to_have_text("Zoom: 80%")
    page.get_by_role("button", name="Zoom in").click()
    expect(page.locator("#modeller-toolbar [data-zoom-status]")).to_have_text("Zoom: 100%")
    page.get_by_role("button", name="Back to the start").click()
    expect(page.locator("#modeller-toolbar [data-zoom-status]")).to_have_text("Zoom: 80%")
    page.screenshot(path=str(SHOTS / "modeller-1280.png"), full_page=True)
    page.add_script_tag(content=AXE.read_text())
    assert page.evaluate(AXE_SERIOUS) == []

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.locator("#modeller-toolbar")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    canvas = page.locator("#modeller-canvas").bounding_box()
    properties = page.locator("#modeller-properties").bounding_box()
    assert canvas["width"] >= 340 and properties["y"] >= canvas["y"] + canvas["height"] - 1, (canvas, properties)
    page.screenshot(path=str(SHOTS / "modeller-375.png"), full_page=True)
    assert problems == [], problems


WIDTHS_OF = """() => Object.fromEntries(Object.entries({header: '.govuk-template__header .govuk-width-container',
  main: '.govuk-width-container.app-full-width', footer: 'footer .govuk-width-container'}).map(([part, css]) => {
  const r = document.querySelector(css).getBoundingClientRect(); return [part, [Math.round(r.left), Math.round(r.right)]] }))"""


def test_the_modellers_header_and_footer_span_its_width_and_its_palette_is_narrow_on_a_phone(browser, server, web_world):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, problems)
    _sign_in(page, server, "pia.owner")
    page.goto(server + "/processes/reintegration/modeller")
    expect(page.locator("#modeller-toolbar")).to_be_visible()
    edges = page.evaluate(WIDTHS_OF)
    assert edges["header"] == edges["main"] == edges["footer"] == [30, 1250], edges  # not GOV.UK's 960 px column
    page.screenshot(path="/tmp/tidy-modeller-1280.png")
    page.goto(server + "/processes")  # every other page keeps GOV.UK's column
    assert page.locator(".govuk-template__header .govuk-width-container").bounding_box()["width"] == 960

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server + "/processes/reintegration/modeller")
    expect(page.locator("#modeller-toolbar")).to_be_visible()
    canvas = page.locator("#modeller-canvas").bounding_box()
    palette = page.locator("#modeller-canvas .djs-palette").bounding_box()
    # one column of tools by the edge: under an eighth of the canvas's width (two columns of bpmn-js's own
    # 46 px tools, 20 px in, took 114 px, about a third), every tool inside the canvas
    assert palette["x"] + palette["width"] - canvas["x"] <= canvas["width"] / 8, (palette, canvas)
    assert palette["y"] + palette["height"] <= canvas["y"] + canvas["height"], (palette, canvas)
    tools = page.locator("#modeller-canvas .djs-palette .entry")
    assert tools.count() >= 10 and all(tools.nth(i).bounding_box()["width"] >= 24 for i in range(tools.count()))
    page.screenshot(path="/tmp/tidy-modeller-375.png")
    page.locator("#modeller-canvas").screenshot(path="/tmp/tidy-modeller-canvas-375.png")
    assert problems == [], problems

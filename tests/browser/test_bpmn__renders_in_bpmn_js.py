"""Every processes/*.bpmn opens in bpmn-js, as a modeller would show it: a real Chromium (Debian's) loads
bpmn-js's viewer from node_modules in a page served from 127.0.0.1, imports the diagram and must report no
error and no warning, draw every flow node and lane, log no console error, and paint a real picture.

Needs Debian's `chromium` and `npm ci` (for node_modules/bpmn-js); `.ci/run` and `make test` install them.
Missing either is a failure, not a skip. No browser is ever downloaded and no request leaves 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree

from tests.browser.chromium import chromium_browser

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))
VIEWER_JS = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
VIEWER_CSS = ROOT / "node_modules" / "bpmn-js" / "dist" / "assets" / "bpmn-js.css"
MIN_PNG_BYTES = 10 * 1024

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask", "sendTask", "receiveTask",
    "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
}  # fmt: skip

PAGE = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>bpmn-js render check</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/bpmn-js.css">
<style>html, body { margin: 0; height: 100%; background: #fff; } #canvas { width: 100vw; height: 100vh; }</style>
<script src="/bpmn-viewer.js"></script>
</head>
<body><div id="canvas"></div></body>
</html>
"""

# Runs in the page: import the diagram, then report what bpmn-js says and what it drew.
IMPORT_AND_INSPECT = """
async ({ url, flowNodeIds, laneIds }) => {
  const xml = await (await fetch(url)).text();
  const viewer = window.viewer = new BpmnJS({ container: '#canvas' });
  let warnings;
  try {
    ({ warnings } = await viewer.importXML(xml));
  } catch (err) {
    return { error: String(err && err.message || err), warnings: (err.warnings || []).map(w => w.message) };
  }
  const registry = viewer.get('elementRegistry');
  const inspect = (id) => {
    const gfx = document.querySelector('#canvas svg [data-element-id="' + CSS.escape(id) + '"]');
    const element = registry.get(id);
    return {
      id,
      drawn: !!gfx,
      type: element ? element.type : null,
      box: element && element.width !== undefined
        ? { x: element.x, y: element.y, width: element.width, height: element.height } : null,
    };
  };
  const counts = {};
  for (const element of registry.getAll()) {
    counts[element.type] = (counts[element.type] || 0) + 1;
  }
  const canvas = viewer.get('canvas');
  const inner = canvas.viewbox().inner;
  return {
    error: null,
    warnings: warnings.map(w => w.message),
    flowNodes: flowNodeIds.map(inspect),
    lanes: laneIds.map(inspect),
    counts,
    svgElements: document.querySelectorAll('#canvas svg [data-element-id]').length,
    inner: { x: inner.x, y: inner.y, width: inner.width, height: inner.height },
  };
}
"""


def diagram_ids(path: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """Flow node ids, lane ids, and each flow node's lane (from flowNodeRef) as the file states them."""
    tree = etree.parse(str(path))
    flow_nodes = [
        el.get("id") for el in tree.iter(f"{{{BPMN}}}*") if etree.QName(el).localname in FLOW_NODE_TAGS and el.get("id")
    ]
    lanes = [el.get("id") for el in tree.iter(f"{{{BPMN}}}lane")]
    lane_of = {
        ref.text.strip(): lane.get("id") for lane in tree.iter(f"{{{BPMN}}}lane") for ref in lane.iter(f"{{{BPMN}}}flowNodeRef")
    }
    return flow_nodes, lanes, lane_of


class _Handler(BaseHTTPRequestHandler):
    """Serves the page, bpmn-js and the diagrams; nothing else of the repository."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        if path == "/":
            body, kind = PAGE.encode(), "text/html; charset=utf-8"
        elif path == "/bpmn-viewer.js":
            body, kind = VIEWER_JS.read_bytes(), "text/javascript; charset=utf-8"
        elif path == "/bpmn-js.css":
            body, kind = VIEWER_CSS.read_bytes(), "text/css; charset=utf-8"
        elif path.startswith("/diagrams/") and path[len("/diagrams/") :] in {p.name for p in DIAGRAMS}:
            body, kind = (ROOT / "processes" / path[len("/diagrams/") :]).read_bytes(), "application/xml"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def local_server():
    """The page and the diagrams on 127.0.0.1, on a free port, for this module."""
    if not VIEWER_JS.is_file():
        pytest.fail(f"{VIEWER_JS.relative_to(ROOT)} is missing: run `npm ci` in {ROOT} (make test and .ci/run do)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, name="bpmn-js-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def test_processes__there_are_diagrams_to_check():
    assert DIAGRAMS, "no processes/*.bpmn found"


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_bpmn__renders_in_bpmn_js(diagram: Path, browser, local_server, tmp_path):
    flow_node_ids, lane_ids, lane_of = diagram_ids(diagram)
    assert flow_node_ids, f"{diagram.name} has no flow nodes"

    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    console_errors: list[str] = []
    outside_requests: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))

    def only_local(route):
        if route.request.url.startswith(local_server + "/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    try:
        page.goto(local_server + "/", wait_until="load")
        assert page.evaluate("typeof BpmnJS") == "function", "bpmn-js viewer did not load"
        report = page.evaluate(
            IMPORT_AND_INSPECT,
            {"url": f"{local_server}/diagrams/{diagram.name}", "flowNodeIds": flow_node_ids, "laneIds": lane_ids},
        )
        assert report["error"] is None, f"importXML failed: {report['error']} (warnings: {report['warnings']})"
        assert report["warnings"] == [], "bpmn-js import warnings:\n" + "\n".join(report["warnings"])

        undrawn = [node["id"] for node in report["flowNodes"] if not node["drawn"]]
        assert not undrawn, f"flow nodes with no SVG element: {undrawn}"
        sizeless = [n["id"] for n in report["flowNodes"] if not n["box"] or n["box"]["width"] <= 0 or n["box"]["height"] <= 0]
        assert not sizeless, f"flow nodes drawn with no size: {sizeless}"

        assert lane_ids, f"{diagram.name} has no lanes"
        for lane in report["lanes"]:
            assert lane["drawn"] and lane["type"] == "bpmn:Lane", f"lane {lane['id']} not drawn: {lane}"
            assert lane["box"]["width"] > 0 and lane["box"]["height"] > 0, f"lane {lane['id']} has no size"
        lane_box = {lane["id"]: lane["box"] for lane in report["lanes"]}
        outside_lane = []
        for node in report["flowNodes"]:
            lane, box = lane_of.get(node["id"]), node["box"]
            if lane is None:
                continue
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            outer = lane_box[lane]
            if not (outer["x"] <= cx <= outer["x"] + outer["width"] and outer["y"] <= cy <= outer["y"] + outer["height"]):
                outside_lane.append(f"{node['id']} (lane {lane})")
        assert not outside_lane, f"flow nodes drawn outside their lane: {outside_lane}"

        # The whole diagram in one picture, at 1:1 up to a 4000 x 3000 page.
        inner = report["inner"]
        page.set_viewport_size(
            {"width": int(min(max(inner["width"] + 80, 800), 4000)), "height": int(min(max(inner["height"] + 80, 600), 3000))}
        )
        page.evaluate("() => { const canvas = window.viewer.get('canvas'); canvas.resized(); canvas.zoom('fit-viewport'); }")
        shot = tmp_path / f"{diagram.stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
        assert len(data) > MIN_PNG_BYTES, f"screenshot is only {len(data)} bytes: nothing much was drawn"
        (tmp_path / f"{diagram.stem}.json").write_text(json.dumps(report, indent=2))

        assert not console_errors, f"console errors: {console_errors}"
        assert not outside_requests, f"requests outside 127.0.0.1: {outside_requests}"
    finally:
        context.close()

"""Browser assets from node_modules (npm ci installs them): GOV.UK Frontend at /assets; bpmn-js, the
properties panel and the Camunda moddle descriptor at /vendor."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from engine.db import ROOT

bp = Blueprint("assets", __name__)
NODE = ROOT / "node_modules"
GOVUK_DIST = NODE / "govuk-frontend" / "dist" / "govuk"
# GOV.UK Frontend's CSS finds its fonts and images under /assets/ (its default asset path).
GOVUK_FILES = {"govuk-frontend.min.css", "govuk-frontend.min.js"}
VENDOR = {
    "bpmn-js": NODE / "bpmn-js" / "dist",
    "axe-core": NODE / "axe-core",
    # The modeller: the properties panel's prebuilt UMD file (it bundles @bpmn-io/properties-panel and
    # preact; nothing is built here), that package's CSS, and the Camunda 7 moddle descriptor.
    "bpmn-js-properties-panel": NODE / "bpmn-js-properties-panel" / "dist",
    "properties-panel": NODE / "@bpmn-io" / "properties-panel" / "dist" / "assets",
    "camunda-bpmn-moddle": NODE / "camunda-bpmn-moddle" / "resources",
}


def _send(directory: Path, filename: str):
    if not directory.is_dir():
        abort(404, description=f"{directory} is missing: run `npm ci` (make demo and make test do)")
    return send_from_directory(directory, filename, max_age=3600)


@bp.get("/assets/<path:filename>")
def govuk(filename: str):
    if filename in GOVUK_FILES:
        return _send(GOVUK_DIST, filename)
    return _send(GOVUK_DIST / "assets", filename)


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    if package not in VENDOR:
        abort(404)
    return _send(VENDOR[package], filename)

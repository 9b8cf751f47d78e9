"""Browser assets: GOV.UK Frontend at /assets; bpmn-js, the properties panel and the Camunda moddle
descriptor at /vendor.

They are served from `web/static/vendor/`, inside the package, where `python -m scripts.vendor_assets`
copies them from node_modules before the wheel is built (`make` does it). In a source checkout that
has not run that step yet, node_modules itself is served instead.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from engine.locations import SOURCE_ROOT, packaged

bp = Blueprint("assets", __name__)
VENDORED = packaged("web", "static", "vendor")
NODE = SOURCE_ROOT / "node_modules"
#: Each served package: the folder under node_modules that holds it, and the files the app uses from
#: it (globs; scripts.vendor_assets copies these, with the package's licence).
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    # GOV.UK Frontend's CSS finds its fonts and images under /assets/ (its default asset path).
    "govuk-frontend": ("govuk-frontend/dist/govuk", ("govuk-frontend.min.css", "govuk-frontend.min.js",
                                                     "assets/fonts/*", "assets/images/*", "assets/manifest.json")),
    "bpmn-js": ("bpmn-js/dist", ("bpmn-viewer.production.min.js", "bpmn-navigated-viewer.production.min.js",
                                 "bpmn-modeler.production.min.js", "assets/*.css", "assets/bpmn-font/css/*",
                                 "assets/bpmn-font/font/*")),
    # The modeller: the properties panel's prebuilt UMD file (it bundles @bpmn-io/properties-panel and
    # preact; nothing is built here), that package's CSS, and the Camunda 7 moddle descriptor.
    "bpmn-js-properties-panel": ("bpmn-js-properties-panel/dist", ("bpmn-js-properties-panel.umd.js",)),
    "properties-panel": ("@bpmn-io/properties-panel/dist/assets", ("properties-panel.css",)),
    "camunda-bpmn-moddle": ("camunda-bpmn-moddle/resources", ("camunda.json",)),
    # GOV.UK's autocomplete, enhancing a choice from the organisations register (web/static/app.js).
    "accessible-autocomplete": ("accessible-autocomplete/dist", ("accessible-autocomplete.min.js",
                                                                 "accessible-autocomplete.min.css")),
}
GOVUK_FILES = {"govuk-frontend.min.css", "govuk-frontend.min.js"}


def directory(package: str) -> Path:
    """Where `package`'s files are served from: the vendored copy, else node_modules (source checkout)."""
    vendored = VENDORED / package
    if vendored.is_dir():
        return vendored
    return NODE / SOURCES[package][0]


def _send(package: str, filename: str):
    folder = directory(package)
    if not folder.is_dir():
        abort(404, description=f"{package} is missing: run `make assets` (npm ci, then python -m scripts.vendor_assets)")
    return send_from_directory(folder, filename, max_age=3600)


@bp.get("/assets/<path:filename>")
def govuk(filename: str):
    if filename in GOVUK_FILES:
        return _send("govuk-frontend", filename)
    return _send("govuk-frontend", f"assets/{filename}")


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    if package not in SOURCES or package == "govuk-frontend":
        abort(404)
    return _send(package, filename)

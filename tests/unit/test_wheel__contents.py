"""What the wheel is built from: the vendored browser assets, the package data, and the README blocks
and systemd units that `make wheel-check` runs (the check itself runs in CI, after the test suite)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scripts import vendor_assets, wheel_check
from web import assets

ROOT = Path(__file__).resolve().parents[2]


def test_vendor_assets_copies_what_the_app_serves_with_licences(tmp_path):
    target = tmp_path / "vendor"
    count = vendor_assets.vendor(assets.NODE, target)
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert count == len(files) - len(assets.SOURCES)  # one licence per package besides the listed files
    assert {"govuk-frontend/govuk-frontend.min.css", "govuk-frontend/assets/fonts/light-94a07e06a1-v2.woff2",
            "bpmn-js/bpmn-viewer.production.min.js", "bpmn-js/bpmn-modeler.production.min.js",
            "bpmn-js-properties-panel/bpmn-js-properties-panel.umd.js", "properties-panel/properties-panel.css",
            "camunda-bpmn-moddle/camunda.json"} <= files
    assert all(f"{package}/LICENSE" in files for package in assets.SOURCES)
    assert not any(f.startswith("axe-core") or "development" in f for f in files)  # tests only / not served


def test_vendor_assets_without_node_modules_names_what_is_missing_and_keeps_the_old_copy(tmp_path):
    target = tmp_path / "vendor"
    (target / "old").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=r"run `npm ci`\): govuk-frontend/dist/govuk/govuk-frontend.min.css"):
        vendor_assets.vendor(tmp_path / "node_modules", target)
    assert (target / "old").is_dir()


def test_the_app_serves_the_vendored_copy_when_there_is_one():
    for package in assets.SOURCES:
        assert assets.directory(package) == assets.VENDORED / package, "run `make assets`"


def test_package_data_covers_migrations_processes_templates_and_vendor():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert {"migrations*", "processes"} <= set(config["packages"]["find"]["include"])
    data = config["package-data"]
    assert "static/vendor/**/*" in data["web"] and "script.py.mako" in data["migrations"]
    assert {"*.bpmn", "*.dmn", "*.toml", "mail/*.txt", "mail/*.html"} <= set(data["processes"])
    for folder in ("migrations", "migrations/versions", "processes"):
        assert (ROOT / folder / "__init__.py").is_file()


def test_the_readme_blocks_that_the_wheel_check_runs_exist_and_use_the_installed_command():
    install, setup, check = (wheel_check.readme_block(name) for name in ("install", "setup", "check"))
    assert '"$PREFIX/bin/pip" install --quiet "$WHEEL[postgres,serve]"' in install
    assert '"$PREFIX/bin/reintegrate" init-db' in setup and "# your values" not in setup
    assert "/healthz" in check


def test_the_systemd_units_run_the_installed_command_with_the_environment_file(tmp_path):
    web, env = wheel_check.unit_command("reintegrate-web.service", tmp_path, tmp_path / "env")
    assert web == [str(tmp_path / "bin" / "reintegrate"), "serve", "--no-scheduler"] and env == tmp_path / "env"
    scheduler, _ = wheel_check.unit_command("reintegrate-scheduler@.service", tmp_path, tmp_path / "env")
    assert scheduler == [str(tmp_path / "bin" / "reintegrate"), "scheduler"]
    example = wheel_check.read_env_file(ROOT / "docs" / "production" / "reintegrate.env")
    assert example["REINTEGRATE_SMTP_URL"].endswith("starttls=true&from=noreply@example.gov.uk")
    assert {"REINTEGRATE_DATABASE_URL", "REINTEGRATE_SECRET_KEY", "REINTEGRATE_BASE_URL", "REINTEGRATE_HOST",
            "REINTEGRATE_PORT", "REINTEGRATE_WEB_WORKERS", "REINTEGRATE_WEB_THREADS"} <= set(example)

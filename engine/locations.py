"""Where the files the product runs on are: inside the installed packages (read with importlib.resources),
or in a site's own folder when a setting points at one.

The wheel carries `migrations` (Alembic), `processes` (BPMN, DMN, policy.toml, mail templates) and
`web` (templates, static files, vendored browser assets) as packages, so an installed copy needs no
source tree. A site that keeps its own files says where with these settings:

- `REINTEGRATE_PROCESSES_DIR`: the folder `init-db` deploys `*.bpmn` from (with the `*.dmn` beside them);
- `REINTEGRATE_POLICY`: the authority's policy TOML file (deadlines, contacts, and the school calendar:
  term dates and INSET days);
- `REINTEGRATE_MAIL_DIR`: mail templates that replace the shipped ones of the same name (a kind it does
  not hold keeps the shipped wording);
- `REINTEGRATE_INSTANCE_DIR`: where the default SQLite database lives (without REINTEGRATE_DATABASE_URL).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

#: The repository root when running from a source checkout (an editable install); unused once installed.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def packaged(package: str, *parts: str) -> Path:
    """A file or folder shipped inside `package`, as a path on disk (the wheel installs unzipped)."""
    ref = resources.files(package)
    for part in parts:
        ref = ref / part
    return Path(str(ref))


def _setting(env: Mapping[str, str] | None, name: str) -> str | None:
    value = (os.environ if env is None else env).get(name, "").strip()
    return value or None


def _existing(name: str, value: str, want_dir: bool) -> Path:
    path = Path(value).expanduser()
    if want_dir and not path.is_dir():
        raise ValueError(f"{name} is not a folder: {value}")
    if not want_dir and not path.is_file():
        raise ValueError(f"{name} is not a file: {value}")
    return path


def processes_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of process diagrams that `init-db` deploys: the site's, or the shipped one."""
    value = _setting(env, "REINTEGRATE_PROCESSES_DIR")
    return _existing("REINTEGRATE_PROCESSES_DIR", value, True) if value else packaged("processes")


def policy_path(env: Mapping[str, str] | None = None) -> Path:
    """The authority policy file: the site's, or the shipped defaults."""
    value = _setting(env, "REINTEGRATE_POLICY")
    return _existing("REINTEGRATE_POLICY", value, False) if value else packaged("processes", "policy.toml")


def mail_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """Folders searched for mail templates in order: the site's first, then the shipped ones."""
    value = _setting(env, "REINTEGRATE_MAIL_DIR")
    shipped = packaged("processes", "mail")
    return [_existing("REINTEGRATE_MAIL_DIR", value, True), shipped] if value else [shipped]


def migrations_location() -> str:
    """Alembic's script location as a package resource, so that it works from the wheel."""
    return "migrations:."


def instance_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the default SQLite database goes: the setting, else `instance/` in a source checkout,
    else `instance/` in the working directory."""
    value = _setting(env, "REINTEGRATE_INSTANCE_DIR")
    if value:
        return Path(value).expanduser()
    if (SOURCE_ROOT / "pyproject.toml").is_file():
        return SOURCE_ROOT / "instance"
    return Path.cwd() / "instance"

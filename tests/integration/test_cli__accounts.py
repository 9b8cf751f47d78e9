"""`reintegrate user add|role|password|sign-out|token`: hashed password from stdin, tokens printed once, listed,
expiring and revoked, role changes, password changes and signing out everywhere."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine import accounts
from engine.db import make_engine, session_factory

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # REINTEGRATE_FAKE_NOW of run_cli


@pytest.fixture
def cli(run_cli):
    run = run_cli
    assert run("init-db")[0] == 0
    return run


def _session(db_url):
    return session_factory(make_engine(db_url))()


def test_user_add_with_password_and_token(cli, db_url):
    code, out, _ = cli("user", "add", "kit.k", "--role", "host_school", "--org", "Kingsmead High School",
                       "--email", "kit@school.example", "--password-stdin", "--token", "--json",
                       stdin="a long password\n")
    assert code == 0
    result = json.loads(out)
    assert result["has_password"] and len(result["token"]) > 30
    with _session(db_url) as s:
        assert accounts.authenticate(s, "kit.k", "a long password").org == "Kingsmead High School"
        assert accounts.authenticate(s, "kit.k", "a long passwore") is None
        assert accounts.user_for_token(s, result["token"], NOW).name == "kit.k"


def test_user_add_refuses_bad_input(cli):
    assert cli("user", "add", "x", "--role", "wizard")[0] == 2
    code, _, err = cli("user", "add", "y", "--role", "auditor", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 12 characters" in err
    for weak in ("aaaaaaaaaa", "password12", "password1234"):
        code, _, err = cli("user", "add", "y", "--role", "auditor", "--password-stdin", stdin=weak + "\n")
        assert code == 2 and err.strip(), weak
    assert cli("user", "add", "z", "--role", "auditor")[0] == 0
    code, _, err = cli("user", "add", "z", "--role", "auditor")
    assert code == 2 and "already exists" in err


def test_user_role(cli):
    cli("user", "add", "sam", "--role", "auditor")
    code, _, err = cli("user", "role", "sam", "la_admissions")  # a lane role needs an organisation
    assert code == 2 and "must belong to an organisation" in err
    code, out, _ = cli("user", "role", "sam", "la_admissions", "--org", "Worcestershire County Council")
    assert code == 0 and "sam is now la_admissions" in out
    assert cli("user", "role", "sam", "wizard")[0] == 2
    assert cli("user", "role", "nobody", "admin")[0] == 2


def test_tokens_are_named_listed_expire_and_are_revoked(cli, db_url):
    cli("user", "add", "sam", "--role", "auditor")
    first = json.loads(cli("user", "token", "add", "sam", "--label", "nightly export", "--json")[1])
    second = json.loads(cli("user", "token", "add", "sam", "--label", "dashboard", "--expires-days", "1", "--json")[1])
    assert first["expires_at"].startswith("2026-05-31") and second["expires_at"].startswith("2026-03-03")
    listed = json.loads(cli("user", "token", "list", "sam", "--json")[1])
    assert [(t["name"], t["status"]) for t in listed] == [("dashboard", "active"), ("nightly export", "active")]
    assert "token" not in str([t.keys() for t in listed]) and first["token"] not in str(listed)
    assert "nightly export" in cli("user", "token", "list")[1]
    with _session(db_url) as s:
        assert accounts.user_for_token(s, first["token"], NOW).name == "sam"  # both work side by side
        assert accounts.user_for_token(s, second["token"], NOW).name == "sam"
    code, out, _ = cli("user", "token", "revoke", str(first["id"]))
    assert code == 0 and "revoked" in out
    code, _, err = cli("user", "token", "revoke", str(first["id"]))
    assert code == 2 and "already revoked" in err
    assert cli("user", "token", "revoke", "9999")[0] == 2
    with _session(db_url) as s:
        assert accounts.user_for_token(s, first["token"], NOW) is None
        assert accounts.user_for_token(s, second["token"], NOW).name == "sam"
    assert [t["status"] for t in json.loads(cli("user", "token", "list", "sam", "--json")[1])] == ["active", "revoked"]
    assert cli("user", "token", "add", "sam", "--expires-days", "0")[0] == 2
    assert cli("user", "token", "add", "nobody")[0] == 2


def test_password_change_from_the_command_line(cli, db_url):
    cli("user", "add", "kit", "--role", "auditor", "--password-stdin", stdin="first long passphrase\n")
    code, _, err = cli("user", "password", "kit", "--current-stdin", stdin="not it at all\nsecond long passphrase\n")
    assert code == 2 and "current password is not right" in err
    code, _, err = cli("user", "password", "kit", "--current-stdin", stdin="first long passphrase\npassword1234\n")
    assert code == 2 and "common passwords" in err
    code, out, _ = cli("user", "password", "kit", "--current-stdin", stdin="first long passphrase\nsecond long passphrase\n")
    assert code == 0 and "changed" in out
    assert cli("user", "password", "kit", stdin="third long passphrase\n")[0] == 0  # an administrator's reset
    with _session(db_url) as s:
        assert accounts.authenticate(s, "kit", "third long passphrase") is not None
        assert accounts.authenticate(s, "kit", "second long passphrase") is None
    code, out, _ = cli("user", "sign-out", "kit", "--json")
    assert code == 0 and json.loads(out)["sessions_ended"] == 0
    assert cli("user", "sign-out", "nobody")[0] == 2

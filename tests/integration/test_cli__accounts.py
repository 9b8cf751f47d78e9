"""`reintegrate user add|role|token`: hashed password from stdin, a token printed once, role changes."""
from __future__ import annotations

import json

import pytest

from engine import accounts
from engine.db import make_engine, session_factory


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
        assert accounts.user_for_token(s, result["token"]).name == "kit.k"


def test_user_add_refuses_bad_input(cli):
    assert cli("user", "add", "x", "--role", "wizard")[0] == 2
    code, _, err = cli("user", "add", "y", "--role", "auditor", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 10 characters" in err
    assert cli("user", "add", "z", "--role", "auditor")[0] == 0
    code, _, err = cli("user", "add", "z", "--role", "auditor")
    assert code == 2 and "already exists" in err


def test_user_role_and_token(cli, db_url):
    cli("user", "add", "sam", "--role", "auditor")
    code, _, err = cli("user", "role", "sam", "la_admissions")  # a lane role needs an organisation
    assert code == 2 and "must belong to an organisation" in err
    code, out, _ = cli("user", "role", "sam", "la_admissions", "--org", "Worcestershire County Council")
    assert code == 0 and "sam is now la_admissions" in out
    assert cli("user", "role", "sam", "wizard")[0] == 2
    assert cli("user", "role", "nobody", "admin")[0] == 2
    first = json.loads(cli("user", "token", "sam", "--json")[1])["token"]
    second = json.loads(cli("user", "token", "sam", "--json")[1])["token"]
    with _session(db_url) as s:
        assert accounts.user_for_token(s, first) is None  # replaced
        assert accounts.user_for_token(s, second).role == "la_admissions"

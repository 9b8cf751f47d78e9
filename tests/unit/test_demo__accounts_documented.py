"""The README's demo accounts are the demo data's: every account `reintegrate demo` makes is named there, and
every name there is one it makes, each with its role's words."""
from __future__ import annotations

import re
from pathlib import Path

from cli.demo_data import DEMO_USERS

README = Path(__file__).resolve().parents[2] / "README.md"


def _demo_paragraph() -> str:
    text = README.read_text()
    start = text.index("Sign in\nat http://127.0.0.1:5000/")
    return text[start:text.index("\n\n", start)]


def test_every_demo_account_is_in_the_readme_and_no_other():
    named = set(re.findall(r"`([a-z]+\.[a-z]+)`", _demo_paragraph()))
    assert named == set(DEMO_USERS)


def test_the_new_roles_demo_accounts_act_for_what_the_readme_says():
    paragraph = " ".join(_demo_paragraph().split())
    assert DEMO_USERS["abe.advocate"] == ("advocacy_provider", "Pathways Advocacy") and "Pathways Advocacy" in paragraph
    assert DEMO_USERS["sam.semh"] == ("semh_provider", "The Bridge School") and "The Bridge School" in paragraph
    assert {DEMO_USERS[n] for n in ("sol.social", "yan.youth", "eve.early")} == {
        ("social_care", "Worcestershire County Council"), ("youth_justice", "Worcestershire County Council"),
        ("early_help", "Worcestershire County Council")}
    assert "Worcestershire's social care, youth justice and early help teams" in paragraph

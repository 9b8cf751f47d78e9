"""Passwords after the NCSC's guidance: 12 characters or more, not on the shipped list of common and
breached passwords (nor one of them with digits or symbols around it), no repeats or runs of keys, not
the user name; and no composition rules, so a passphrase of plain words is fine."""
from __future__ import annotations

import pytest

from engine import accounts, passwords


@pytest.mark.parametrize("password, reason", [
    ("aaaaaaaaaa", "at least 12 characters"),
    ("password12", "at least 12 characters"),
    ("password1234", "common passwords"),
    ("Password1234!", "common passwords"),
    ("iloveyou2024", "common passwords"),
    ("!!monkey2024", "common passwords"),
    ("football1234", "common passwords"),
    ("aaaaaaaaaaaa", "repeats"),
    ("abcabcabcabc", "repeats"),
    ("123456789012", "run of keys"),
    ("qwertyuiopas", "run of keys"),
    ("zyxwvutsrqpo", "run of keys"),
    ("x" * 1025, "at most 1024"),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    assert reason in passwords.problem(password)
    with pytest.raises(ValueError, match=reason):
        accounts.validate_password(password)


@pytest.mark.parametrize("password", ["correct horse battery staple", "lantern otter paperclip", "reintegrate-demo",
                                      "all lower case words", "ŝtelo de ĉevaloj"])
def test_passphrases_need_no_digits_capitals_or_symbols(password):
    assert passwords.problem(password) is None


def test_a_password_holding_the_user_name_is_refused():
    assert "user name" in passwords.problem("hana.host is me", "hana.host")
    assert passwords.problem("hana.host is me", "someone") is None


def test_the_shipped_list_has_thousands_of_entries():
    common = passwords.common_passwords()
    assert len(common) > 4000 and {"password", "123456", "qwerty", "iloveyou", "monkey"} <= common

"""Passwords: salted scrypt, constant-time check, unknown users cost the same; tokens stored as digests."""
from __future__ import annotations

from engine import accounts


def test_hash_and_check():
    stored = accounts.hash_password("correct horse battery", n=2**10)
    assert stored.startswith("scrypt$1024$8$1$") and "correct horse" not in stored
    assert accounts.check_password(stored, "correct horse battery")
    assert not accounts.check_password(stored, "correct horse batterz")
    assert accounts.hash_password("same", n=2**10) != accounts.hash_password("same", n=2**10)


def test_missing_or_malformed_hash_never_matches():
    assert not accounts.check_password(None, "anything")
    assert not accounts.check_password("", "")
    assert not accounts.check_password("md5$abc", "abc")
    assert not accounts.check_password("scrypt$x$8$1$00$00", "abc")


def test_token_digest_is_sha256_hex():
    from engine import api_tokens

    digest = api_tokens.digest("secret")
    assert len(digest) == 64 and digest != "secret" and digest == api_tokens.digest("secret")

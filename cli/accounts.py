"""`reintegrate user add|role|token`: accounts from the command line (parse, call engine.accounts, print)."""
from __future__ import annotations

import sys

from engine import accounts
from engine.wiring import Runtime as App

from .commands import UsageError as AccountError  # exit 2 with the message, as any bad input
from .output import emit


def register(top, sub) -> None:
    """Add the `user` commands to the parser; `sub` is cli.main's subcommand helper."""
    user = top.add_parser("user", help="accounts").add_subparsers(dest="sub", required=True)
    p = sub(user, "add", user_add, "create an account")
    p.add_argument("name")
    p.add_argument("--role", required=True)
    p.add_argument("--org")
    p.add_argument("--email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--token", action="store_true", help="issue an API token and print it (once)")
    p = sub(user, "role", user_role, "change an account's role")
    p.add_argument("name")
    p.add_argument("role")
    p.add_argument("--org", help="the organisation it acts for (a lane role must have one)")
    sub(user, "token", user_token, "issue a new API token, replacing the old one").add_argument("name")


def _password(args) -> str | None:
    if not args.password_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


def _account_json(user, token: str | None = None) -> dict:
    out = {"name": user.name, "role": user.role, "org": user.org, "email": user.email,
           "has_password": bool(user.password_hash)}
    if token:
        out["token"] = token
    return out


def user_add(app: App, args) -> int:
    with app.engine() as eng:
        try:
            user, token = accounts.create_account(eng.session, args.name, args.role, app.clock.now(), org=args.org,
                                                  email=args.email, password=_password(args), token=args.token)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
        result = _account_json(user, token)
    text = f"added {result['name']} ({result['role']}{', ' + result['org'] if result['org'] else ''})"
    if token:
        text += f"\nAPI token (shown once, keep it safe): {token}"
    emit(result, args.json, text)
    return 0


def user_role(app: App, args) -> int:
    with app.engine() as eng:
        try:
            result = _account_json(accounts.set_role(eng.session, args.name, args.role, org=args.org))
        except ValueError as exc:
            raise AccountError(str(exc)) from None
    emit(result, args.json, f"{result['name']} is now {result['role']}")
    return 0


def user_token(app: App, args) -> int:
    with app.engine() as eng:
        try:
            user = accounts.get_user(eng.session, args.name)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
        token = accounts.issue_token(user)
        result = _account_json(user, token)
    emit(result, args.json, f"API token for {result['name']} (shown once, keep it safe): {token}")
    return 0

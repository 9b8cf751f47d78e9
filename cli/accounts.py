"""`reintegrate user add|role|password|sign-out|token ...`: accounts from the command line (parse, call
engine.accounts and engine.api_tokens, print)."""
from __future__ import annotations

import sys

from engine.wiring import Runtime as App

from .commands import UsageError as AccountError  # exit 2 with the message, as any bad input
from .output import emit

#: Days an API token lasts unless told otherwise.
TOKEN_DAYS = 90


def register(top, sub) -> None:
    """Add the `user` commands to the parser; `sub` is cli.main's subcommand helper."""
    user = top.add_parser("user", help="accounts").add_subparsers(dest="sub", required=True)
    p = sub(user, "add", user_add, "create an account")
    p.add_argument("name")
    p.add_argument("--role", required=True)
    p.add_argument("--org")
    p.add_argument("--email")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--token", action="store_true", help=f"issue an API token (valid {TOKEN_DAYS} days) and print it once")
    p = sub(user, "role", user_role, "change an account's role")
    p.add_argument("name")
    p.add_argument("role")
    p.add_argument("--org", help="the organisation it acts for (a lane role must have one)")
    p = sub(user, "password", user_password, "set a new password (first line of stdin); ends the account's sessions")
    p.add_argument("name")
    p.add_argument("--current-stdin", action="store_true",
                   help="the holder's own change: stdin holds the current password, then the new one")
    sub(user, "sign-out", user_sign_out, "end every web session of the account now").add_argument("name")
    _register_tokens(user.add_parser("token", help="API tokens: add, list, revoke").add_subparsers(
        dest="token_sub", required=True), sub)


def _register_tokens(token, sub) -> None:
    p = sub(token, "add", token_add, "issue a new API token and print it (once)")
    p.add_argument("name", help="the account")
    p.add_argument("--label", default="token", help="what the token is for (shown in lists)")
    expiry = p.add_mutually_exclusive_group()
    expiry.add_argument("--expires-days", type=int, default=TOKEN_DAYS, help=f"days until it expires ({TOKEN_DAYS})")
    expiry.add_argument("--no-expiry", action="store_true", help="a token that never expires")
    sub(token, "list", token_list, "API tokens (of one account), newest first").add_argument("name", nargs="?")
    p = sub(token, "revoke", token_revoke, "revoke an API token by its id")
    p.add_argument("id", type=int)


def _line() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _account_json(user, token: str | None = None) -> dict:
    out = {"name": user.name, "role": user.role, "org": user.org, "email": user.email,
           "has_password": bool(user.password_hash)}
    if token:
        out["token"] = token
    return out


def _engine_call(app: App, fn):
    """`fn(engine)` in one transaction; a ValueError is bad input (exit 2, nothing changed)."""
    with app.engine() as eng:
        try:
            return fn(eng)
        except ValueError as exc:
            raise AccountError(str(exc)) from None


def user_add(app: App, args) -> int:
    password = _line() if args.password_stdin else None

    def add(eng):
        user, token = eng.add_account(args.name, args.role, org=args.org, email=args.email, password=password,
                                      token=args.token, token_days=TOKEN_DAYS)
        return _account_json(user, token)

    result = _engine_call(app, add)
    text = f"added {result['name']} ({result['role']}{', ' + result['org'] if result['org'] else ''})"
    if result.get("token"):
        text += f"\nAPI token (shown once, keep it safe; expires in {TOKEN_DAYS} days): {result['token']}"
    emit(result, args.json, text)
    return 0


def user_role(app: App, args) -> int:
    result = _engine_call(app, lambda eng: _account_json(eng.set_role(args.name, args.role, org=args.org)))
    emit(result, args.json, f"{result['name']} is now {result['role']}")
    return 0


def user_password(app: App, args) -> int:
    first, second = _line(), (_line() if args.current_stdin else None)

    def change(eng):
        if second is None:
            return eng.set_password(args.name, first)
        user = eng.reads.user_named(args.name)
        try:
            return eng.change_own_password(user.id, first, second)
        except ValueError as exc:
            raise ValueError(str(exc).split(": ", 1)[1]) from None

    ended = _engine_call(app, change)
    emit({"name": args.name, "sessions_ended": ended}, args.json,
         f"password of {args.name} changed; {ended} web session(s) ended")
    return 0


def user_sign_out(app: App, args) -> int:
    ended = _engine_call(app, lambda eng: eng.sign_out_everywhere(args.name))
    emit({"name": args.name, "sessions_ended": ended}, args.json, f"{args.name} signed out everywhere: {ended} session(s) ended")
    return 0


def token_add(app: App, args) -> int:
    days = None if args.no_expiry else args.expires_days

    def add(eng):
        described, secret = eng.issue_api_token(args.name, args.label, days)
        return {**described, "token": secret}

    result = _engine_call(app, add)
    until = f"expires {result['expires_at']}" if result["expires_at"] else "never expires"
    emit(result, args.json, f"API token {result['id']} ({result['name']}) for {result['user']}, {until}; "
                            f"shown once, keep it safe:\n{result['token']}")
    return 0


def token_list(app: App, args) -> int:
    def listing(eng):
        return eng.reads.api_tokens(eng.reads.user_named(args.name) if args.name else None)

    tokens = _engine_call(app, listing)
    lines = [f"{t['id']:>4}  {t['user']:<20} {t['name']:<20} {t['status']:<8} created {t['created_at'][:10]}  "
             f"expires {(t['expires_at'] or 'never')[:10]}  last used {(t['last_used_at'] or 'never')[:10]}"
             for t in tokens]
    emit(tokens, args.json, "\n".join(lines) or "no API tokens")
    return 0


def token_revoke(app: App, args) -> int:
    result = _engine_call(app, lambda eng: eng.revoke_api_token(args.id))
    emit(result, args.json, f"API token {result['id']} ({result['name']}) of {result['user']} revoked")
    return 0

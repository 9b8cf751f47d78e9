"""Engine operations on accounts: adding them, changing their role and password, ending their web
sessions, issuing and revoking their API tokens. Each checks its input and raises ValueError with a
message for a person; the caller owns the transaction."""
from __future__ import annotations

from typing import Any

from . import accounts, api_tokens
from .engine_core import EngineCore
from .models import User


class AccountOperations(EngineCore):
    """Accounts, their web sessions and API tokens."""

    def add_account(self, name: str, role: str, *, org: str | None = None, email: str | None = None,
                    password: str | None = None, token: bool = False,
                    token_days: int | None = None) -> tuple[User, str | None]:
        """A new account (with a password and an API token, given them); (user, the token once or None)."""
        return accounts.create_account(self.session, name, role, self.clock.now(), org=org, email=email,
                                       password=password, token=token, token_days=token_days)

    def set_role(self, name: str, role: str, org: str | None = None) -> User:
        """The account's new role (and organisation, given one)."""
        return accounts.set_role(self.session, name, role, org=org)

    def set_password(self, name: str, password: str) -> int:
        """An admin's new password for the account; every web session of it ends. How many ended."""
        return accounts.set_password(self.session, name, password)[1]

    def change_own_password(self, user_id: int, current: str, new: str, keep_session: str | None = None) -> int:
        """The account holder's change (the current password checked); their other sessions end."""
        return accounts.change_own_password(self.session, user_id, current, new, keep_session=keep_session)

    def sign_out_everywhere(self, name: str) -> int:
        """End every web session of the account; how many there were."""
        return accounts.sign_out_everywhere(self.session, name)

    def issue_api_token(self, name: str, label: str, days: int | None) -> tuple[dict[str, Any], str]:
        """A new API token for account `name`, expiring after `days` (None: never); (its description,
        the secret, shown once)."""
        user = accounts.get_user(self.session, name)
        row, secret = api_tokens.issue(self.session, user, self.clock.now(), label, days)
        return api_tokens.describe(row, user.name, self.clock.now()), secret

    def revoke_api_token(self, token_id: int, name: str | None = None) -> dict[str, Any]:
        """Revoke the token (which must be account `name`'s, given one); what it was."""
        user = accounts.get_user(self.session, name) if name is not None else None
        return api_tokens.revoke(self.session, token_id, self.clock.now(), user)

"""The read side: every query the web, the API and the command line ask of the database, on the session
of one transaction. `Engine.reads` builds one per engine (one per transaction); views and commands call
its methods and never touch the session themselves. Nothing here writes, except the access log that a
person's read of a child's data leaves (`record_read`).

Each method names what it returns and hands over to the module that holds the query (queries.py,
case_list.py, process_queries.py, organisations.py, accounts.py, ...)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import accounts, api_tokens, case_list, case_starts, incidents, organisations, process_queries, queries, web_sessions
from .clock import Clock
from .models import Case, ProcessVersion, ReadyTask, User
from .organisations_csv import export_csv
from .party_links import unmatched
from .permissions import Actor, actor_for
from .reads import ACCESS_PAGE_SIZE, AccessPage, access_page

T = TypeVar("T")


class Reads:
    """The read queries of one transaction: accounts, cases and tasks, processes, organisations, audit."""

    def __init__(self, session: Session, clock: Clock, policy: Any, specs: Any, serializer: Any):
        self._session, self._clock, self._policy = session, clock, policy
        self._specs, self._serializer = specs, serializer

    def today(self) -> date:
        """The service's date now, in its time zone."""
        return self._clock.now().astimezone(ZoneInfo(self._policy.timezone)).date()

    # accounts

    def user(self, user_id: int | None) -> User | None:
        """The account with this id (the signed-in one), or None if it no longer exists."""
        return self._session.get(User, user_id) if user_id is not None else None

    def user_named(self, name: str) -> User:
        """The account called `name`; ValueError if there is none."""
        return accounts.get_user(self._session, name)

    def has_account(self, name: str) -> bool:
        return self._session.scalar(select(User.id).where(User.name == name)) is not None

    def actor(self, name: str) -> Actor:
        """Who `name` is to engine.permissions (the command line's "system" included)."""
        return actor_for(self._session, name)

    def accounts(self) -> list[dict]:
        """Every account, with its open web sessions and API tokens counted."""
        return accounts.list_users(self._session, self._clock.now())

    def account(self, name: str) -> dict:
        """One account's page: its sessions and tokens; ValueError if there is no such account."""
        return accounts.account_detail(self._session, name, self._clock.now(),
                                       web_sessions.Limits.from_policy(self._policy))

    def api_tokens(self, user: User | None = None) -> list[dict]:
        """Every API token (of `user`, given one), with its status now."""
        return api_tokens.list_tokens(self._session, self._clock.now(), user)

    # cases and tasks

    def require_case(self, user: User, case_id: str) -> None:
        """NotFound unless the case exists and `user` may read it."""
        queries.require_case(self._session, user, case_id)

    def task_or_done(self, user: User, task_id: str) -> tuple[ReadyTask | None, dict[str, Any] | None]:
        """(the ready task, None) for one `user` may see; (None, what became of it) for a task completed
        or cancelled on a case `user` may read (NotFound for another's); (None, None) for no task."""
        row = queries.require_task(self._session, user, task_id)
        if row is not None:
            return row, None
        done = queries.closed_task(self._session, task_id)
        if done is not None:
            queries.require_case(self._session, user, done["case_id"])
        return None, done

    def case_page(self, user: User, filters: case_list.CaseFilter) -> case_list.CasePage:
        """One page of the cases `user` may see, filtered."""
        return case_list.case_list(self._session, user, filters)

    def case_count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(Case)) or 0

    def organisation_choices(self, user: User) -> list[tuple[str, str]]:
        """(id, name) of the organisations the case list's filter offers `user`."""
        return case_list.organisation_choices(self._session, user)

    def waiting(self, case_id: str) -> tuple[list[str], list[str]]:
        """(the messages the case awaits now, the catching events that wait for them)."""
        return queries.waiting_now(self._session, self._specs, self._serializer, case_id)

    def process_xml(self, case_id: str) -> str:
        """The BPMN document of the version the case runs on."""
        return queries.process_xml(self._session, case_id)

    def access_page(self, case_id: str, page: int, per_page: int = ACCESS_PAGE_SIZE) -> AccessPage:
        """One page of who read the case, newest first."""
        return access_page(self._session, case_id, page, per_page)

    def incidents(self, viewer: str, include_resolved: bool = False) -> list[dict[str, Any]]:
        """The incidents `viewer` may see: open ones, and with `include_resolved` the rest."""
        return incidents.list_incidents(self._session, viewer, include_resolved=include_resolved)

    # starting a case

    def startable(self, user: User) -> list[case_starts.Startable]:
        """The processes `user` may start."""
        return case_starts.startable(self._session, self._specs, user)

    def start_of(self, key: str, user: User) -> case_starts.Startable:
        """Process `key` as `user` may start it (NotFound, Forbidden otherwise)."""
        return case_starts.start_of(self._session, self._specs, key, user)

    def start_answers(self, start: case_starts.Startable, data: Any,
                      user: User) -> tuple[dict[str, Any], dict[str, str]]:
        """The start form's answers cleaned and checked as starting the case would, and the problems."""
        return case_starts.check_answers(self._session, start, data, user, self.today())

    # processes

    def process_names(self) -> dict[str, str]:
        """{process key: its name} of every deployed process."""
        return case_list.process_names(self._session)

    def has_process(self, key: str) -> bool:
        return self._session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_key == key)
                                    .limit(1)) is not None

    def version_document(self, process: str, version: int | None = None) -> process_queries.VersionDocument:
        """A deployed version's document (the active one when `version` is None); NotFound if none."""
        return process_queries.version_document(self._session, process, version)

    def running_counts(self) -> dict[tuple[str, int], int]:
        """{(process, version): cases running on it}."""
        return process_queries.running_counts(self._session)

    def running_cases(self, process: str, version: int) -> list[dict[str, str]]:
        return process_queries.running_cases(self._session, process, version)

    # organisations

    def organisations(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The organisations register (entries of `kind`, given one)."""
        return organisations.list_organisations(self._session, kind)

    def form_choices(self, fields: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
        """{party field of the form: the register entries it may name}."""
        return organisations.form_choices(self._session, fields)

    def unmatched(self) -> dict[str, list[dict[str, Any]]]:
        """Case parties and accounts that name no register entry, with the closest entries."""
        return unmatched(self._session)

    def organisations_csv(self) -> str:
        """The register as the CSV file `organisations import` reads."""
        return export_csv(self._session)

    # the service's own tables

    def service(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """What a query of the service's own tables returns (a report, a ledger): `query(session,
        policy, *args, **kwargs)`, for the tables the engine does not know."""
        return query(self._session, self._policy, *args, **kwargs)

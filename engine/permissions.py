"""Who may do what: the one module every caller asks (command line, web pages, API, scheduler).

Deny by default: `decide(actor, action, ...)` answers yes only where a rule below says so, with the
reason for a no. `require` raises Forbidden with that reason. `case_filter` is the same read rule as a
SQL condition, and `report_scope` the cases a report may count. The service's roles come from the
party table in force (`engine.parties`, registered by the service); the rules are the engine's:

- **Actors.** A person acts through an account with one role; `system` (the command line run without
  `--as`; `cli:<login>` when it reads) and `scheduler` are the only system actors, named explicitly,
  and may do everything.
- **Organisations.** Every lane role acts for an organisation of the register (`engine.organisations`)
  and must have one; `PARTY_FIELDS` says which of a case's parties it is (cases and accounts hold the
  entry's name, so names are compared): it reads and works the cases that name its organisation
  there. An account in such a role with no organisation linked to the register is refused everything.
- **Agencies** (`AGENCY_ROLES`) take no part in cases: they read exactly the cases shared with their
  organisation (`engine.case_shares`), change none, and run no report.
- **Lanes.** A task is done or claimed by the role of its lane; a case is started by the role of its
  start event's lane (or the roles it declares: `camunda:property name="starters"`), naming the
  starter's own organisation as its party; a message is sent by the roles the catching event declares
  (`camunda:property name="senders"`), else by its lane's role.
- **Readers.** Admins, auditors, data protection officers (`dpo`) and process owners read every case;
  admins may also act in every lane (and are recorded doing so); the others change no case. A DPO
  exports a person's records (subject access) and, with admins, applies retention.
- **Operators.** Deploying, migrating and activating versions, and incidents: process owners and
  admins; retrying a case in error, managing accounts and the organisations register, the service's
  status: admins; the mail page: admins, auditors and DPOs; the auditor's view of a case: those (and
  the service's roles its table adds, for cases they may read). An action of the service's own is
  decided by its table's roles, and for an authority's organisations by `decide_for_authority`.
- **Reports.** Admins and auditors: every case; a lane role that reports: the cases where it is the
  party its role names; process owners, the lane roles that do not report and the agencies: none.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, func, literal_column, select, true
from sqlalchemy.orm import Session

from . import parties
from .case_shares import shared_cases
from .errors import Forbidden
from .models import Case, User
from .parties import refill

SYSTEM_ACTORS = ("system", "scheduler")
#: The command line run without `--as` reads as `cli:<login>` (so the access log names the login): the
#: system actor too, as whoever runs it holds the database's credentials anyway.
COMMAND_LINE_PREFIX = "cli:"
# The engine's own roles: they read every case; admins also act in every lane, the others change none.
READ_ALL_ROLES = ("admin", "auditor", "dpo", "process_owner")
#: Read every case and change none: auditors, and the data protection officer (`dpo`), who also
#: exports everything held about a person (subject access) and applies retention.
READ_ONLY_ROLES = ("auditor", "dpo")

# Actions on a case (decided against the case's parties) ...
START, READ, COMPLETE, CLAIM, MESSAGE, READ_AUDIT = "start", "read", "complete", "claim", "message", "read_audit"
# ... and actions on the service as a whole.
DEPLOY, MIGRATE, ACTIVATE, PROCESSES = "deploy", "migrate", "activate", "processes"
RETRY, MANAGE_ACCOUNTS, READ_MAIL, REPORT = "retry", "manage_accounts", "read_mail", "report"
INCIDENTS, ORGANISATIONS, STATUS = "incidents", "organisations", "status"
SUBJECT_ACCESS, RETENTION = "subject_access", "retention"
CASE_ACTIONS = (START, READ, COMPLETE, CLAIM, MESSAGE, READ_AUDIT, SUBJECT_ACCESS)
#: The engine's service-wide actions -> its own roles that may take them; the service's table adds its
#: roles and actions (`PartyTable.operator_roles`), and REPORT goes to the lane roles that report.
_ENGINE_OPERATORS: dict[str, tuple[str, ...]] = {
    DEPLOY: ("process_owner", "admin"), MIGRATE: ("process_owner", "admin"), ACTIVATE: ("process_owner", "admin"),
    PROCESSES: ("process_owner", "admin"), RETRY: ("admin",), INCIDENTS: ("process_owner", "admin"),
    MANAGE_ACCOUNTS: ("admin",), ORGANISATIONS: ("admin",), STATUS: ("admin",), READ_MAIL: ("admin", "auditor", "dpo"),
    READ_AUDIT: ("admin", "auditor", "dpo"), SUBJECT_ACCESS: ("dpo",), RETENTION: ("admin", "dpo"),
}

# Live views of the service's table in force (engine.parties), refilled in place by `_follow`:
#: Role -> the case-data field naming the organisation that role acts for on a case.
PARTY_FIELDS: dict[str, str] = {}
#: Roles that stand in lanes: each must belong to an organisation.
LANE_ROLES: list[str] = []
#: Lane roles that run no report (third-party providers, say).
PROVIDER_ROLES: list[str] = []
#: Lane roles whose party is the case's authority: they act for their authority's cases.
AUTHORITY_ROLES: list[str] = []
#: Roles that take no part in cases and read only those shared with their organisation (agencies).
AGENCY_ROLES: list[str] = []
#: Every role: the service's, then the engine's own.
ROLES: list[str] = []
#: Service-wide actions -> the roles that may take them (system actors may take every one).
OPERATOR_ROLES: dict[str, tuple[str, ...]] = {}
ACTIONS: list[str] = []
_ROLE_NAMES: dict[str, str] = {}
_ARTICLES: dict[str, str] = {}


def _follow(table: parties.PartyTable) -> None:
    refill(PARTY_FIELDS, {r.id: r.party for r in table.roles if r.party})
    refill(LANE_ROLES, PARTY_FIELDS)
    refill(PROVIDER_ROLES, [r.id for r in table.roles if r.party and not r.reports])
    refill(AUTHORITY_ROLES, [role for role, party in PARTY_FIELDS.items() if party == table.authority_field])
    refill(AGENCY_ROLES, [r.id for r in table.roles if r.shared])
    others = [r.id for r in table.roles if r.id not in PARTY_FIELDS and not r.shared]
    refill(ROLES, [*LANE_ROLES, *AGENCY_ROLES, *others, "process_owner", *READ_ONLY_ROLES, "admin"])
    operators = dict(_ENGINE_OPERATORS)
    for action, roles in table.operator_roles.items():
        operators[action] = (*operators.get(action, ()), *(r for r in roles if r not in operators.get(action, ())))
    operators[REPORT] = ("admin", "auditor", *(r for r in LANE_ROLES if r not in PROVIDER_ROLES))
    refill(OPERATOR_ROLES, operators)
    refill(ACTIONS, [*CASE_ACTIONS, *(a for a in OPERATOR_ROLES if a not in CASE_ACTIONS)])
    refill(_WHAT, {**_ENGINE_WORDS, **table.action_words})
    refill(_ROLE_NAMES, {r.id: r.short for r in table.roles if r.short})
    refill(_ARTICLES, {r.id: r.article for r in table.roles if r.article})


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account's name, role and organisation, or a system actor (no role)."""

    name: str
    role: str | None = None
    org: str | None = None

    @property
    def system(self) -> bool:
        return self.role is None

    @classmethod
    def of(cls, user: User) -> Actor:
        """The account's organisation counts only when it is linked to the register (engine.organisations):
        an organisation name that matches no entry is no organisation, until an admin resolves it."""
        linked = user.org_id is not None if hasattr(user, "org_id") else True
        return cls(user.name, user.role, (user.org or None) if linked else None)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


_YES = Decision(True)


def _no(reason: str) -> Decision:
    return Decision(False, reason)


def actor_for(session: Session, name: str, user: User | None = None) -> Actor:
    """The actor named `name` (`user`: its account, when already read); Forbidden if there is none."""
    if is_system(name):
        return Actor(name)
    if user is None:
        user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise Forbidden(f"unknown user {name!r}: add them with `reintegrate user add`")
    return Actor.of(user)


def is_system(name: str) -> bool:
    """Whether `name` is a system actor's (see SYSTEM_ACTORS and COMMAND_LINE_PREFIX)."""
    return name in SYSTEM_ACTORS or name.startswith(COMMAND_LINE_PREFIX)


def as_actor(who: Actor | User) -> Actor:
    return who if isinstance(who, Actor) else Actor.of(who)


def needs_organisation(role: str) -> bool:
    """Whether an account in `role` must belong to an organisation (every lane role and agency must)."""
    return role in PARTY_FIELDS or role in AGENCY_ROLES


def check_account(role: str, org: str | None) -> None:
    """ValueError (for a person) unless an account may have this role and organisation."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if needs_organisation(role) and not (org or "").strip():
        table = parties.table()
        party = table.party_name(PARTY_FIELDS.get(role) or table.authority_field or "organisation")
        raise ValueError(f"{_a(role)[0].upper()}{_a(role)[1:]} account must belong to an organisation: "
                         f"choose its {party} from the organisations register")


def may(who: Actor | User, action: str) -> Decision:
    """May `who` take `action` at all, whatever the case: its role and organisation (a page's gate,
    a menu's links). `decide` asks this first, then the case's own rules."""
    actor = as_actor(who)
    if action not in ACTIONS:
        return _no(f"{action!r} is not an action anyone may take")
    if actor.system:
        return _YES
    if action in OPERATOR_ROLES and actor.role not in OPERATOR_ROLES[action]:
        return _no(f"{actor.name} ({_role(actor.role)}) may not {_WHAT[action]}")
    if actor.role not in ROLES:
        return _no(f"{actor.name} has the unknown role {actor.role!r}")
    if needs_organisation(actor.role) and not actor.org:
        return _no(f"{actor.name} ({_role(actor.role)}) belongs to no organisation: an admin must set one "
                   "before the account can do anything")
    if action in (START, COMPLETE, CLAIM, MESSAGE) and not changes_cases(actor):
        return _no(f"{actor.name} is {_a(actor.role)} and changes no case")
    return _YES


def decide(who: Actor | User, action: str, *, case: Mapping[str, Any] | None = None, lane: str | None = None,
           senders: Iterable[str] | None = None, starters: Iterable[str] | None = None,
           shared_with: Iterable[str] = ()) -> Decision:
    """May `who` take `action` on a case? `case` is the case's data (for START: the values it would
    start with), `lane` the task's lane, `senders` the roles that may send a message, `starters` the
    roles that may start the process (its start event's lane's, unless it declares others),
    `shared_with` the organisations the case was shared with (`engine.case_shares.shared_with`)."""
    actor = as_actor(who)
    decision = may(actor, action)
    if not decision or actor.system or action not in CASE_ACTIONS:
        return decision
    data = case or {}
    if action == READ and actor.role in AGENCY_ROLES:
        if actor.org in tuple(shared_with):
            return _YES
        return _no(f"{actor.name} ({_role(actor.role)}) reads only the cases sent to {actor.org}")
    if action in (READ, READ_AUDIT, SUBJECT_ACCESS):
        return _YES if actor.role in READ_ALL_ROLES else _party(actor, data)
    if actor.role == "admin":
        return _YES
    if action == START:
        return _start(actor, data, tuple(starters or ()))
    if action == MESSAGE:
        allowed = tuple(senders or ())
        if actor.role not in allowed:
            who_may = " or ".join(_role(r) for r in allowed) or "nobody"
            return _no(f"{actor.name} ({_role(actor.role)}) cannot send this message: {who_may} sends it")
    elif actor.role != lane:
        return _no(f"{actor.name} ({actor.role}) cannot {_WHAT[action]} for {lane or 'no lane'}")
    return _party(actor, data)


def require_may(who: Actor | User, action: str) -> None:
    """`may`, raising Forbidden with the reason on a no."""
    decision = may(who, action)
    if not decision:
        raise Forbidden(decision.reason)


def require(who: Actor | User, action: str, **where: Any) -> None:
    """`decide`, raising Forbidden with the reason on a no."""
    decision = decide(who, action, **where)
    if not decision:
        raise Forbidden(decision.reason)


def decide_for_authority(who: Actor | User, action: str, authority: str | None, what: str = "") -> Decision:
    """May `who` take service-wide `action` (a permanent exclusion, say) for an organisation of `authority`
    (`what`: that organisation's name, for the reason)? The role must take the action, and an
    authority's team acts only for its own authority; admins and system actors for every one."""
    actor = as_actor(who)
    decision = may(actor, action)
    if not decision or actor.system or actor.role == "admin":
        return decision
    if actor.role in AUTHORITY_ROLES and same_organisation(actor.org, authority):
        return _YES
    of = f"{what} belongs to {authority or 'no authority in the register'}" if what else f"this is {authority}'s"
    return _no(f"{actor.name} acts for {actor.org}, and {of}: only its own authority may {_WHAT[action]}")


def require_for_authority(who: Actor | User, action: str, authority: str | None, what: str = "") -> None:
    """`decide_for_authority`, raising Forbidden with the reason on a no."""
    decision = decide_for_authority(who, action, authority, what)
    if not decision:
        raise Forbidden(decision.reason)


def _party(actor: Actor, data: Mapping[str, Any]) -> Decision:
    field = PARTY_FIELDS.get(actor.role or "")
    if field is None:
        return _no(f"{actor.name} ({_role(actor.role)}) takes no part in cases")
    if same_organisation(actor.org, data.get(field)):
        return _YES
    return _no(f"{actor.name} acts for {actor.org}, which is not this case's {_party_name(field)}")


def _start(actor: Actor, values: Mapping[str, Any], starters: tuple[str, ...]) -> Decision:
    if actor.role not in starters:
        who = " or ".join(f"the {_role(r)}" for r in starters) or "nobody: the start event stands in no lane"
        return _no(f"{actor.name} ({_role(actor.role)}) cannot start this process: it is started by {who}")
    field = PARTY_FIELDS[actor.role]
    named = values.get(field)
    if same_organisation(actor.org, named):
        return _YES
    if not named:
        return _no(f"a case {actor.name} starts must name {actor.org} as its {_party_name(field)}")
    return _no(f"{actor.name} acts for {actor.org} and cannot start a case whose {_party_name(field)} is {named}")


def starting_values(who: Actor | User, values: Mapping[str, Any], starters: Iterable[str]) -> dict[str, Any]:
    """The values a case starts with: those given, and where they name no organisation for the
    starter's own party (the start form may not even ask), the starter's organisation."""
    actor, out = as_actor(who), dict(values)
    field = PARTY_FIELDS.get(actor.role or "")
    if field and actor.org and actor.role in tuple(starters) and not out.get(field):
        out[field] = actor.org
    return out


def same_organisation(org: str | None, party: Any) -> bool:
    """Whether an account's organisation is the organisation a case names (neither may be empty)."""
    return bool(org) and isinstance(party, str) and party == org


def may_release(who: Actor | User, claimed_by: str | None) -> Decision:
    """Release a claim on a task: the claimant's own, or anyone's for an admin (or a system actor)."""
    actor = as_actor(who)
    if actor.system or actor.role == "admin" or not claimed_by or claimed_by == actor.name:
        return _YES
    return _no(f"only {claimed_by} or an admin can release this task")


def changes_cases(who: Actor | User) -> bool:
    """Whether `who` may change a case at all (auditors, process owners and the agencies read only)."""
    actor = as_actor(who)
    return actor.system or actor.role == "admin" or (actor.role in PARTY_FIELDS and bool(actor.org))


def takes_lane(who: Actor | User, lane: str | None) -> bool:
    """Whether `who` may do or take tasks of `lane` on the cases they may read (a list's buttons)."""
    actor = as_actor(who)
    return changes_cases(actor) and (actor.system or actor.role == "admin" or actor.role == lane)


def task_lanes(who: Actor | User) -> tuple[str, ...] | None:
    """The lanes whose tasks `who` is shown to do: None for every lane (readers of every case)."""
    actor = as_actor(who)
    if actor.system or actor.role in READ_ALL_ROLES:
        return None
    return (actor.role,) if actor.role in PARTY_FIELDS else ()


def has_task_list(who: Actor | User) -> bool:
    """Whether `who` has a task list at all: the agencies stand in no lane, so theirs could never hold a task
    (they start on the Cases page instead)."""
    return task_lanes(who) != ()


# -- the same read rule in SQL ---------------------------------------------------------------------
def party_value(session: Session, name: str) -> ColumnElement:
    """`cases.data[name]` as text, spelled exactly as migration 0002's expression index is."""
    if session.get_bind().dialect.name == "postgresql":
        return Case.data.op("->>")(literal_column(f"'{name}'"))
    return func.json_extract(Case.data, literal_column(f"'$.{name}'"))


def case_filter(session: Session, who: Actor | User) -> ColumnElement[bool]:
    """A WHERE clause on `cases` for the cases `who` may read (READ, as `decide` answers it)."""
    actor = as_actor(who)
    if actor.system or actor.role in READ_ALL_ROLES:
        return true()
    if actor.role in AGENCY_ROLES and actor.org:
        return Case.id.in_(shared_cases(actor.org))
    field = PARTY_FIELDS.get(actor.role or "")
    if field is None or not actor.org:
        return false()
    return party_value(session, field) == actor.org


def report_scope(who: Actor | User) -> tuple[tuple[str, str], ...]:
    """The report-facts columns a report run by `who` is restricted to, as (column, value) pairs:
    () for every case. Forbidden for a role that runs no report or an account with no organisation."""
    actor = as_actor(who)
    require_may(actor, REPORT)
    if actor.system or actor.role not in PARTY_FIELDS:
        return ()
    return ((PARTY_FIELDS[actor.role], actor.org or ""),)


_ENGINE_WORDS = {DEPLOY: "deploy process versions", MIGRATE: "move cases between versions",
                 ACTIVATE: "choose the version new cases start on", PROCESSES: "manage processes",
                 RETRY: "retry a case in error", INCIDENTS: "see and retry incidents", MANAGE_ACCOUNTS: "manage accounts",
                 ORGANISATIONS: "manage the organisations register", STATUS: "see the service's status",
                 READ_MAIL: "read every case's mail", READ_AUDIT: "open the auditor's view", REPORT: "run reports",
                 COMPLETE: "do a task", CLAIM: "take a task", SUBJECT_ACCESS: "export a person's records",
                 RETENTION: "apply retention"}
#: What each action does, in a refusal's reason: the engine's words, and the service's.
_WHAT: dict[str, str] = {}
parties.follow(_follow)


def _party_name(field: str) -> str:
    return parties.table().party_name(field)


def _role(role: str | None) -> str:
    return _ROLE_NAMES.get(role or "", (role or "system").replace("_", " "))


def _a(role: str | None) -> str:
    name = _role(role)
    return f"{_ARTICLES.get(role or '') or ('an' if name[0] in 'aeiouAEIOU' else 'a')} {name}"

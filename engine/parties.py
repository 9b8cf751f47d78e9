"""Who takes part in a service's cases: its roles, the party fields of its cases and the kinds of
organisation in its register, as one table (`PartyTable`) the service declares and registers
(`engine.extensions.register_parties`).

The engine's rules are generic and read the table in force:

- a **party** is a case-data field that names an organisation of the register, of given kinds
  (`engine.organisations` checks and canonicalises it);
- a **lane role** acts for the organisation a case names in one party field: its accounts belong to
  an organisation, and they read and work the cases that name it there (`engine.permissions`);
- an **agency** role takes no part in cases and reads only the cases shared with its organisation
  (`engine.case_shares`);
- an **authority** is the kind of organisation others belong to; a case's authority is a party field,
  derived when the case does not name it from the first of `authority_from` that belongs to one, and
  the roles whose party is the authority act for their authority's cases;
- every role has a name for people (pages, emails) and a short one for the reasons of a refusal.

The engine's own roles (`process_owner`, `auditor`, `dpo`, `admin`) are always there. The table is
declared once per process, at start-up, like the ORM's tables: a service registers it before it
serves (its `plug_in`), and the modules that read it keep their public names (`permissions.ROLES`,
`organisations.KINDS`, ...) as live views that `use` refills in place.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Role:
    """A role of the service. `party`: the case field naming the organisation it acts for (a lane
    role); `kinds`: the kinds of organisation its accounts may belong to; `shared`: an agency, which
    reads only the cases shared with it; `reports`: whether a lane role runs reports over its cases.
    `short` names it in a refusal's reason (its id's words by default), after `article` ("a" or "an"
    by its first letter by default)."""

    id: str
    name: str
    short: str = ""
    article: str = ""
    party: str | None = None
    kinds: tuple[str, ...] = ()
    shared: bool = False
    reports: bool = True


@dataclass(frozen=True)
class Party:
    """A case-data field naming an organisation of one of `kinds`; `name` is how people say it."""

    field: str
    name: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationKind:
    """A kind of organisation in the register; `needs_authority`: an entry always belongs to an authority."""

    id: str
    name: str
    needs_authority: bool = False


@dataclass(frozen=True)
class Subject:
    """The person a service's cases are about: the case-data fields holding their name (its initials are
    kept on the case row, and mail names them so) and date of birth (subject access finds a person's
    cases by both), and the word for them in an export and a mail ("the subject of case ...")."""

    name_field: str = "subject_name"
    birth_date_field: str = "subject_dob"
    word: str = "subject"


@dataclass(frozen=True)
class PartyTable:
    """A service's roles, parties and organisation kinds (see the module's docstring).

    `authority_kind` is the kind of organisation that is an authority and `authority_field` the party
    field naming a case's authority; `listed` are the parties the case list shows, `searched` those its
    organisation filter looks in and `searched_kinds` the kinds that filter offers; `operator_roles`
    adds the service's roles to the engine's service-wide actions, or names actions of the service's
    own (action -> roles), and `action_words` says what an action does in a refusal's reason;
    `common_words` are words too common in organisations' names to tell two apart; `register_file` is
    the organisations register shipped with the service (CSV, `engine.organisations_csv`), loaded at
    each upgrade into a site that has none of its own; `subject` is who the cases are about."""

    roles: tuple[Role, ...] = ()
    parties: tuple[Party, ...] = ()
    kinds: tuple[OrganisationKind, ...] = ()
    authority_kind: str | None = None
    authority_field: str | None = None
    authority_from: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    searched: tuple[str, ...] = ()
    searched_kinds: tuple[str, ...] = ()
    operator_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    action_words: dict[str, str] = field(default_factory=dict)
    common_words: frozenset[str] = frozenset({"the", "of", "and"})
    register_file: Path | None = None
    subject: Subject = Subject()

    def party_name(self, name: str) -> str:
        """How people say party field `name` ("home school"); the field's words if it is not declared."""
        return next((p.name for p in self.parties if p.field == name), name.replace("_", " "))

    def check(self) -> None:
        """ValueError unless the table holds together: every kind named is declared, every party a lane
        role acts for is declared, and the authority's kind and field are declared."""
        kinds = {k.id for k in self.kinds}
        fields = {p.field for p in self.parties}
        named = {k for p in self.parties for k in p.kinds} | {k for r in self.roles for k in r.kinds}
        problems = [f"kind {k!r} is not declared" for k in sorted(named - kinds)]
        problems += [f"role {r.id!r} acts for the undeclared party {r.party!r}" for r in self.roles
                     if r.party is not None and r.party not in fields]
        if self.authority_kind is not None and self.authority_kind not in kinds:
            problems.append(f"the authority's kind {self.authority_kind!r} is not declared")
        for name in (self.authority_field, *self.authority_from, *self.listed, *self.searched):
            if name is not None and name not in fields:
                problems.append(f"party {name!r} is not declared")
        if problems:
            raise ValueError("party table: " + "; ".join(problems))


_current = PartyTable()
_followers: list[Callable[[PartyTable], None]] = []


def table() -> PartyTable:
    """The table in force (an empty one until a service registers its own)."""
    return _current


def use(new: PartyTable) -> None:
    """Put `new` in force: every module that follows the table refills its live views."""
    global _current
    new.check()
    _current = new
    for follower in _followers:
        follower(new)


def follow(fn: Callable[[PartyTable], None]) -> None:
    """Call `fn(table)` now and whenever a table is put in force (a module refilling its views)."""
    _followers.append(fn)
    fn(_current)


def refill(view: Any, items: Iterable[Any] | dict[Any, Any]) -> None:
    """Replace the contents of a live view (a list or a dict) in place, so that every holder sees them."""
    if isinstance(view, dict):
        view.clear()
        view.update(items)  # type: ignore[arg-type]
    else:
        view[:] = list(items)

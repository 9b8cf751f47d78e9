"""Engine operations on the organisations register: adding an entry, importing a CSV text or file of
them. Each raises ValueError with a message for a person; the caller owns the transaction."""
from __future__ import annotations

from pathlib import Path

from . import organisations
from .engine_core import EngineCore
from .organisations import Organisation
from .organisations_csv import import_csv, import_file


class OrganisationOperations(EngineCore):
    """Entries of the organisations register."""

    def add_organisation(self, name: str, kind: str, *, authority: str | None = None, urn: str | None = None,
                         org_id: str | None = None) -> Organisation:
        """A new entry of the organisations register."""
        return organisations.add_organisation(self.session, name, kind, self.clock.now(), authority=authority,
                                              urn=urn, org_id=org_id)

    def import_organisations(self, text: str, source: str = "register") -> dict[str, int]:
        """The register entries of a CSV text added or updated; counts of added, updated, unchanged."""
        return import_csv(self.session, text, self.clock.now(), source)

    def import_organisations_file(self, path: Path) -> dict[str, int]:
        """`import_organisations` on a file (RegisterFileError if it cannot be read)."""
        return import_file(self.session, path, self.clock.now())

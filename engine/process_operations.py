"""Engine operations on process versions: validate, deploy, choose the active version, compare two
versions, move a running case to another version."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from . import permissions
from .active_versions import activate, active_numbers, active_version, process_events, redeployed, set_active
from .calls import resolve_calls
from .dmn import content_hash
from .engine_core import EngineCore
from .errors import Conflict, InvalidProcess, NotFound
from .models import (
    Case,
    HistoryEvent,
    ProcessVersion,
)
from .permissions import ROLES, actor_for, require
from .validation import validate_document
from .versions import describe_diff, migrate


@dataclass
class Deployed:
    process: str
    version: int
    created: bool
    active: int = 0  # the version new cases start on after this deploy
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"process": self.process, "version": self.version, "created": self.created,
                "active": self.active, "message": self.message}


class ProcessOperations(EngineCore):
    """Engine operations on process versions."""

    def validate(self, content: bytes, filename: str, documents: Mapping[str, bytes] | None = None) -> list:
        """Every deploy check on a BPMN document and its DMN `documents` (file name -> XML), with the
        deployed processes its call activities call (engine.calls)."""
        return self._checked(content, filename, documents)[1]

    def _checked(self, content: bytes, filename: str, documents: Mapping[str, bytes] | None) -> tuple[dict, list]:
        """(the documents to deploy with it, the called processes' included; the problems found)."""
        called, problems = resolve_calls(self.session, content, filename)
        documents = {**(documents or {}), **called}
        return documents, validate_document(content, filename, self.registry, ROLES, documents, problems)

    def deploy(self, content: bytes, filename: str, actor: str = "system",
               documents: Mapping[str, bytes] | None = None) -> Deployed:
        """Store a new immutable version: the BPMN and the DMN `documents` (file name -> XML) its
        business rule tasks reference. The same content twice is a no-op that says so."""
        require(actor_for(self.session, actor), permissions.DEPLOY)
        documents, problems = self._checked(content, filename, documents)
        if problems:
            raise InvalidProcess(problems)
        digest = content_hash(content, documents)
        existing = self.session.scalar(select(ProcessVersion).where(ProcessVersion.content_hash == digest))
        if existing is not None:
            key, number, active, message = redeployed(existing, active_version(self.session, existing.process_key))
            return Deployed(key, number, created=False, active=active, message=message)
        parsed = self.specs_parse(content, filename, documents)
        last = self.session.scalar(select(func.max(ProcessVersion.version))
                                   .where(ProcessVersion.process_key == parsed.key)) or 0
        self.session.add(ProcessVersion(
            process_key=parsed.key, version=last + 1, content_hash=digest, filename=filename,
            bpmn_xml=content.decode(), documents={n: d.decode() for n, d in documents.items()} or None,
            info=parsed.info.to_json(), deployed_at=self.clock.now(), deployed_by=actor))
        self.session.flush()
        version = self._version(parsed.key, last + 1)
        set_active(self.session, version, actor, self.clock.now(), "deployed", {"file": filename})
        return Deployed(parsed.key, last + 1, created=True, active=last + 1,
                        message=f"{parsed.key} v{last + 1} deployed: new cases start on it")

    def activate(self, process_key: str, number: int, actor: str) -> dict[str, Any]:
        """A process owner chooses the version new cases start on (a rollback after a bad deploy, say)."""
        return activate(self.session, process_key, number, actor, self.clock.now())

    def process_history(self, process_key: str) -> list[dict[str, Any]]:
        """Deploys and choices of the active version of a process, oldest first."""
        self._latest(process_key)
        return process_events(self.session, process_key)

    def specs_parse(self, content: bytes, filename: str, documents: Mapping[str, bytes] | None = None):
        from .parser import parse_document

        return parse_document(content, filename, documents)

    def versions(self) -> list[dict[str, Any]]:
        counts = dict(self.session.execute(
            select(Case.process_version_id, func.count()).group_by(Case.process_version_id)).all())
        rows = self.session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_key,
                                                                    ProcessVersion.version))
        active = active_numbers(self.session)
        return [{"process": v.process_key, "version": v.version, "hash": v.content_hash[:12],
                 "file": v.filename, "deployed_at": v.deployed_at.isoformat(), "deployed_by": v.deployed_by,
                 "cases": counts.get(v.id, 0), "active": active.get(v.process_key) == v.version} for v in rows]

    def _version(self, process_key: str, number: int) -> ProcessVersion:
        version = self.session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key,
                                                                   ProcessVersion.version == number))
        if version is None:
            raise NotFound(f"{process_key} has no version {number} (see `reintegrate process list`)")
        return version

    def diff_versions(self, process_key: str, old: int, new: int) -> dict[str, Any]:
        """Elements added, removed and changed between two versions of a process."""
        a = self.specs.get(self.session, self._version(process_key, old).id)
        b = self.specs.get(self.session, self._version(process_key, new).id)
        return {"process": process_key, "from": old, "to": new,
                **describe_diff(self.serializer.registry, a.parsed, b.parsed)}

    def migrate_case(self, case_id: str, to_version: int | None, actor: str, dry_run: bool = False) -> dict[str, Any]:
        """Move a running case to another version of its process (None: back to where it came from)."""
        require(actor_for(self.session, actor), permissions.MIGRATE)
        case = self._case(case_id, to_run=True)
        if case.status != "running":
            raise Conflict(f"case {case_id} is {case.status}; only running cases move between versions")
        run = self._run(case, actor)
        if to_version is None:
            last = self.session.scalar(select(HistoryEvent).where(HistoryEvent.case_id == case_id,
                                                                  HistoryEvent.kind == "version_migrated")
                                       .order_by(HistoryEvent.seq.desc()).limit(1))
            if last is None:
                raise Conflict(f"case {case_id} was never migrated; there is nothing to revert")
            to_version = last.data["from"]
        target = self.specs.get(self.session, self._version(case.process_key, to_version).id)
        if target.id == case.process_version_id:
            raise Conflict(f"case {case_id} is already on version {to_version}")
        with self._failing(run, "migrate", {"to": target.version}):  # a handler or expression of the new version
            affected = migrate(run.workflow, self.serializer.registry, target.parsed, dry_run=dry_run)
        result = {"case_id": case_id, "from": run.deployment.version, "to": target.version,
                  "affected": affected, "dry_run": dry_run}
        if dry_run:
            return result
        run.history.append(run.now, actor, "version_migrated", None,
                           {"from": run.deployment.version, "to": target.version, "affected": affected})
        case.process_version_id, run.deployment, run.parsed = target.id, target, target.parsed
        run.save()
        self._flush(case_id)
        self._keep(run)
        return result

    def _latest(self, process_key: str) -> ProcessVersion:
        version = self.session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key)
                                      .order_by(ProcessVersion.version.desc()).limit(1))
        if version is None:
            raise NotFound(f"no process {process_key!r} is deployed (see `reintegrate process list`)")
        return version

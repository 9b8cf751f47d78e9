"""The engine's public operations. Callers pass the session and commit: one call, one transaction."""
from __future__ import annotations

from functools import cached_property

from .account_operations import AccountOperations
from .audit_operations import AuditOperations
from .case_operations import CaseOperations
from .message_operations import MessageOperations
from .organisation_operations import OrganisationOperations
from .process_operations import Deployed, ProcessOperations
from .read_side import Reads
from .task_operations import TaskOperations

__all__ = ["Deployed", "Engine", "Reads"]


class Engine(ProcessOperations, CaseOperations, TaskOperations, MessageOperations, AuditOperations,
             AccountOperations, OrganisationOperations):
    """Deploy processes, run cases, complete tasks, deliver messages, fire timers, read the record,
    manage accounts and the organisations register; `reads` answers the read queries.

    One object per transaction; each noun's operations live in their own module (process_operations,
    case_operations, task_operations, message_operations, audit_operations, account_operations,
    organisation_operations) over the shared `EngineCore` (engine_core.py)."""

    @cached_property
    def reads(self) -> Reads:
        """The read side of this transaction (read_side.py): built once, on this engine's session."""
        return Reads(self.session, self.clock, self.policy, self.specs, self.serializer)

    def discard(self) -> None:
        """Undo everything this transaction has done so far (a validation that deployed to check)."""
        self.session.rollback()

"""The engine's public operations. Callers pass the session and commit: one call, one transaction."""
from __future__ import annotations

from .audit_operations import AuditOperations
from .case_operations import CaseOperations
from .message_operations import MessageOperations
from .process_operations import Deployed, ProcessOperations
from .task_operations import TaskOperations

__all__ = ["Deployed", "Engine"]


class Engine(ProcessOperations, CaseOperations, TaskOperations, MessageOperations, AuditOperations):
    """Deploy processes, run cases, complete tasks, deliver messages, fire timers, read the record.

    One object per transaction; each noun's operations live in their own module (process_operations,
    case_operations, task_operations, message_operations, audit_operations) over the shared
    `EngineCore` (engine_core.py)."""

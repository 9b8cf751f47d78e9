"""Workflows kept in memory between transactions, so the next step on a case skips loading its state.

Loading a case means decoding its JSON state and rebuilding SpiffWorkflow's task tree: the largest
single cost of a step. A process (web worker, scheduler, CLI batch) that has just saved a case keeps
the workflow object here, keyed by the case and stamped with the revision and process version it
was saved at. The next run on that case takes it only if the row it read carries the same revision
and version, so a change made by any other process (which always bumps the revision) is a miss and
the state is read from the database as before.

With the workflow goes what that save wrote to the ready-task and timer tables
(`engine.projection.Projected`), so that the next save writes only what changed without reading
them back.

An entry is taken out while a run works on it and put back only after that run's transaction has
committed: a run that fails or rolls back leaves nothing half-changed behind.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow


class WorkflowCache:
    """A bounded, thread-safe LRU of saved workflows by (database, case id)."""

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[tuple[str, str], tuple[int, int, BpmnWorkflow, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, database: str, case_id: str, version_id: int, revision: int) -> tuple[BpmnWorkflow, Any] | None:
        """The workflow saved at exactly this version and revision, with what that save projected,
        removed from the cache; else None."""
        with self._lock:
            found = self._items.pop((database, case_id), None)
            if found is not None and found[:2] == (version_id, revision):
                self.hits += 1
                return found[2], found[3]
            self.misses += 1
            return None

    def holds(self, database: str, case_id: str) -> bool:
        """Whether some workflow of the case is kept (of which revision is only known on `take`)."""
        return (database, case_id) in self._items

    def put(self, database: str, case_id: str, version_id: int, revision: int, workflow: BpmnWorkflow,
            projected: Any = None) -> None:
        if self.size <= 0:
            return
        # The run's script engine reaches back to that run (its case row, state text, effects): drop
        # it, so that what is kept is only the workflow. The next run attaches its own.
        workflow.script_engine = None
        with self._lock:
            self._items[(database, case_id)] = (version_id, revision, workflow, projected)
            self._items.move_to_end((database, case_id))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

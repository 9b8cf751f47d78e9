"""Errors the engine raises. Each carries a message fit to show a person as it is."""
from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base class: something the caller asked for cannot be done."""

    exit_code = 1


class NotFound(EngineError):
    """An unknown case, task, process or user."""

    exit_code = 4


class Conflict(EngineError):
    """The case changed under the caller: a stale task, a lost race. Nothing was written."""

    exit_code = 5


class Forbidden(EngineError):
    """The acting user may not do this."""

    exit_code = 3


@dataclass(frozen=True)
class Problem:
    """One problem found in a BPMN file, located by file and line."""

    file: str
    line: int | None
    message: str
    element: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line if self.line is not None else 0}"
        what = f"{self.element}: {self.message}" if self.element else self.message
        return f"{where}: {what}"


class InvalidProcess(EngineError):
    """A BPMN document failed validation; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class InvalidData(EngineError):
    """Submitted data failed validation; `errors` maps field id to a message."""

    exit_code = 2

    def __init__(self, errors: dict[str, str], context: str = ""):
        self.errors = errors
        detail = "; ".join(f"{field}: {msg}" for field, msg in errors.items())
        super().__init__(f"{context}: {detail}" if context else detail)


class StepFailed(EngineError):
    """A step of a case failed (an expression, a handler, a timer): the case is left as it was before
    the step, and the caller records an incident (`engine.incidents`) in a transaction of its own.

    Not the caller's fault: the web app says so and keeps what a person typed; the API answers 500
    with the incident's id. `case_id`, `element` and `title` say where; `kind` what failed; `action`
    and `payload` what was being done, so that retrying the incident can do it again."""

    exit_code = 6
    kind = "step"

    def __init__(self, message: str, case_id: str = "", element: str = "", title: str = "", detail: str = ""):
        self.case_id, self.element = case_id, element
        self.title = title or element  # the step's name in the diagram, for people
        self.detail = detail or message  # the error itself, for the operator
        self.action: str = ""  # start, complete, message, timer, migrate
        self.payload: dict = {}
        self.actor = ""
        self.process_key, self.version = "", 0
        self.incident_id: int | None = None
        super().__init__(message)


class ExpressionFailed(StepFailed):
    """An expression of the diagram could not be evaluated: a variable missing, a refused construct,
    a KeyError or TypeError, no gateway condition true."""

    kind = "expression"


class HandlerFailed(StepFailed):
    """A service-task handler raised; the case is left as it was before the call. `topic` names it."""

    kind = "handler"

    def __init__(self, message: str, case_id: str = "", element: str = "", topic: str = "", title: str = "",
                 detail: str = ""):
        self.topic = topic
        super().__init__(message, case_id=case_id, element=element, title=title, detail=detail)


class DamagedState(ValueError):
    """A case's stored workflow state cannot be read: damaged, or not in the form this engine saves. The data is
    at fault, not the request or the configuration."""

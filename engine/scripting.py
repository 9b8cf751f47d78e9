"""The restricted expression environment and the per-call script engine.

BPMN here holds conditions over plain variables, never code (ARCHITECTURE rule 3). Expressions are
parsed, checked against a whitelist of AST nodes (names, literals, comparisons, boolean logic,
subscripts) and only then evaluated with no builtins. Scripts are refused outright.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

_ALLOWED_NODES = (
    ast.Expression, ast.Name, ast.Load, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp,
    ast.And, ast.Or, ast.Not, ast.USub, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
    ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Subscript, ast.Tuple, ast.List,
)


class ExpressionRefused(ValueError):
    """An expression uses something other than variables, literals and comparisons."""


@lru_cache(maxsize=4096)
def compile_expression(expression: str):
    """Check `expression` against the whitelist and compile it; cached, as diagrams repeat them."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionRefused(f"not a valid expression: {expression!r} ({exc.msg})") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionRefused(
                f"{type(node).__name__} is not allowed in {expression!r}: use variables, literals, "
                "comparisons and and/or/not; put anything else in a service task"
            )
    return compile(tree, "<expression>", "eval")


def evaluate_expression(expression: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate a whitelisted expression against `variables` (no builtins)."""
    return eval(compile_expression(expression), {"__builtins__": {}}, dict(variables))  # noqa: S307


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow environment that evaluates whitelisted expressions and runs no scripts."""

    def evaluate(self, expression, context, external_context=None):
        variables = dict(external_context or {})
        variables.update(context)
        return evaluate_expression(expression, variables)

    def execute(self, script, context, external_context=None):
        raise ExpressionRefused("script tasks are not allowed here: use a service task with a topic")

    def call_service(self, context, **kwargs):
        raise ExpressionRefused("service calls go through CaseScriptEngine.call_service")


ServiceCall = Callable[[Any, str], None]


class CaseScriptEngine(PythonScriptEngine):
    """The script engine attached to a workflow for one engine call.

    It carries the clock and the service-call dispatcher; SpiffWorkflow does not serialise script
    engines, so the engine attaches a fresh one each time it loads a case.
    """

    def __init__(self, now: Callable[[], datetime], call: ServiceCall | None = None):
        super().__init__(environment=RestrictedEnvironment())
        self._now = now
        self._call = call

    def now(self) -> datetime:
        return self._now()

    def validate(self, expression):
        # SpiffWorkflow's DMN engine tells `value` from `op value` cells by catching SyntaxError.
        ast.parse(expression.strip(), mode="eval")
        compile_expression(expression)

    def call_service(self, task, **kwargs):
        # SpiffWorkflow 3.2.0's own call_service refers to an undefined `script` on failure;
        # errors here propagate as they are and the engine reports them with the topic.
        if self._call is None:
            raise ExpressionRefused("this engine was not given a service dispatcher")
        self._call(task, kwargs["topic"])

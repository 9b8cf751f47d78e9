"""The restricted expression environment and the per-call script engine.

BPMN here holds conditions over plain variables, never code (docs/architecture.md, rule 3). Expressions are
parsed, checked against a whitelist of AST nodes (names, literals, comparisons, boolean logic,
subscripts) and only then evaluated with no builtins. Scripts are refused outright.
"""
from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
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


MAX_LENGTH = 2_000  # characters: the longest condition in processes/ is under 200
MAX_DEPTH = 40  # nesting of the parsed expression: Python's own parser and compiler recurse on it
CACHE_BYTES = 2 * 1024 * 1024  # what the compiled-expression cache may hold, roughly measured


class _CompiledCache:
    """Compiled expressions, least recently used dropped first, bounded by an estimate of their bytes
    (the source twice over, as text and as code, plus the code object's own bytes)."""

    def __init__(self, budget: int):
        self.budget, self.used = budget, 0
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, expression: str):
        with self._lock:
            found = self._items.get(expression)
            if found is not None:
                self._items.move_to_end(expression)
                return found[0]
            return None

    def put(self, expression: str, code) -> None:
        cost = 2 * len(expression.encode()) + len(code.co_code) + sum(len(str(c)) for c in code.co_consts) + 200
        with self._lock:
            if expression in self._items or cost > self.budget:
                return
            self._items[expression] = (code, cost)
            self.used += cost
            while self.used > self.budget:
                self.used -= self._items.popitem(last=False)[1][1]

    def __len__(self) -> int:
        return len(self._items)


_compiled = _CompiledCache(CACHE_BYTES)


def _depth(tree: ast.AST) -> int:
    """How deeply the tree nests, counted without recursion (a refused tree may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def compile_expression(expression: str):
    """Check `expression` against the whitelist, its size and its nesting, and compile it; cached
    (diagrams repeat their expressions), within a bound in bytes."""
    found = _compiled.get(expression)
    if found is not None:
        return found
    text = expression.strip()
    shown = text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"
    if len(text) > MAX_LENGTH:
        raise ExpressionRefused(f"expression of {len(text):,} characters is too long (at most {MAX_LENGTH:,}): "
                                "put the logic in a service task")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionRefused(f"not a valid expression: {shown!r} ({exc.msg})") from None
    except (RecursionError, MemoryError):
        raise ExpressionRefused(f"expression {shown!r} nests too deeply (at most {MAX_DEPTH} levels)") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionRefused(f"expression {shown!r} nests too deeply (at most {MAX_DEPTH} levels)")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionRefused(
                f"{type(node).__name__} is not allowed in {shown!r}: use variables, literals, "
                "comparisons and and/or/not; put anything else in a service task"
            )
    code = compile(tree, "<expression>", "eval")
    _compiled.put(expression, code)
    return code


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
        # A SyntaxError goes out as it is; an expression too long or deep is refused by compile_expression.
        text = expression.strip()
        if len(text) <= MAX_LENGTH:
            try:
                ast.parse(text, mode="eval")
            except (RecursionError, MemoryError):
                pass
        compile_expression(expression)

    def call_service(self, task, **kwargs):
        # SpiffWorkflow 3.2.0's own call_service refers to an undefined `script` on failure;
        # errors here propagate as they are and the engine reports them with the topic.
        if self._call is None:
            raise ExpressionRefused("this engine was not given a service dispatcher")
        self._call(task, kwargs["topic"])

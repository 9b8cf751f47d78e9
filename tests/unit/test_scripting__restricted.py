"""Expressions in BPMN are conditions over plain variables, never code."""
from __future__ import annotations

import pytest

from engine.scripting import ExpressionRefused, RestrictedEnvironment, evaluate_expression


@pytest.mark.parametrize("expression, expected", [
    ("parent_agrees == False", True),
    ('final_outcome == "successful" and transport_required', True),
    ("not (score > 3 or score in [1, 2])", False),
    ("answers['a'] is None", True),
])
def test_conditions_evaluate(expression, expected):
    variables = {"parent_agrees": False, "final_outcome": "successful", "transport_required": True,
                 "score": 4, "answers": {"a": None}}
    assert evaluate_expression(expression, variables) is expected


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')",
    "open('/etc/passwd')",
    "pupil.__class__",
    "[x for x in range(3)]",
    "lambda: 1",
    "a if b else c",
])
def test_code_is_refused_before_it_runs(expression):
    with pytest.raises(ExpressionRefused):
        evaluate_expression(expression, {"pupil": "x", "a": 1, "b": 2, "c": 3})


def test_no_builtins_reach_an_expression():
    with pytest.raises(NameError):
        evaluate_expression("len", {})


def test_scripts_are_refused():
    with pytest.raises(ExpressionRefused, match="service task"):
        RestrictedEnvironment().execute("x = 1", {})

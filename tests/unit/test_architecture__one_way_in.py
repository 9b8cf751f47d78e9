"""One way in: the web and the command line reach the database only through the engine's operations and
its read side (`Engine.reads`), never through the engine's session. Read from the syntax tree, so that
a comment or a string that mentions `.session` does not count."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CALLERS = ("web", "cli")


def session_uses(source: str) -> list[tuple[int, str]]:
    """(line, expression) of every `<anything>.session` the code reads, calls or assigns."""
    return [(node.lineno, ast.unparse(node)) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr == "session"]


def test_the_check_sees_a_use_and_not_a_mention():
    code = ('# eng.session is not to be used\n'
            'text = "eng.session"\n'
            'rows = run(lambda eng, user: queries.claim(eng.session, user))\n'
            'flask_session_id = session.sid\n')
    assert session_uses(code) == [(3, "eng.session")]


def test_no_view_or_command_touches_the_engine_session():
    found = [f"{path.relative_to(ROOT)}:{line}: {expr}"
             for package in CALLERS for path in sorted((ROOT / package).rglob("*.py"))
             for line, expr in session_uses(path.read_text(encoding="utf-8"))]
    assert not found, ("the web and the command line call Engine operations or Engine.reads, not the session:\n"
                       + "\n".join(found))

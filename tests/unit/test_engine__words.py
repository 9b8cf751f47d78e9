"""The engine speaks of no service: outside comments and docstrings, no module of `engine/` names this
service's roles, parties, kinds of organisation or the people its cases are about (schools, pupils, the
local authority's teams, ...). Those are declared by the service (`schooling/parties.py`, registered
through `engine.extensions.register_parties`).

The names that remain are listed in `REMAINING`, each (module, word) with the reason; a module or a
word not listed fails, and so does an entry no longer needed, so that the list only shrinks."""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The service's words, as they would appear in code: identifiers, strings, role and field ids.
SERVICE_WORDS = re.compile(r"school|ap_setting|local_authority|la_admissions|la_attendance|advocacy|semh|outreach|"
                           r"pupil|reintegration|fair.?access|exclusion|social.?care|youth.?justice|early.?help|"
                           r"\bdfe\b", re.IGNORECASE)

_COLUMN = "the `cases.pupil_initials` column (a rename is a migration of every database)"
_JSON = "the `pupil` key of the case and task JSON the command line and the REST API promise"
REMAINING = {
    ("engine/models.py", "pupil"): _COLUMN,
    ("engine/case_operations.py", "pupil"): _COLUMN,
    ("engine/case_row.py", "pupil"): _COLUMN,
    ("engine/engine_core.py", "pupil"): _COLUMN,
    ("engine/process_queries.py", "pupil"): _COLUMN,
    ("engine/retention.py", "pupil"): _COLUMN,
    ("engine/task_operations.py", "pupil"): _COLUMN,
    ("engine/runtime.py", "pupil"): _COLUMN + " in a mail's context",
    ("engine/queries.py", "pupil"): _JSON,
    ("engine/shapes.py", "pupil"): _JSON,
    ("engine/case_list.py", "pupil"): _JSON + " (a case list row)",
    ("engine/case_list.py", "school"): "`CaseFilter.school`, the organisation filter the web calls by that name",
    ("engine/organisations.py", "dfe"): "the URN of a register entry, checked as a DfE URN",
    ("engine/smtp.py", "reintegration"): "the default sender address, reintegration@localhost",
}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.add(first.lineno)
    return lines


def service_words(path: Path) -> set[str]:
    """The service's words in `path`'s code: its tokens but comments and docstrings, lower case."""
    source = path.read_text()
    docstrings = _docstring_lines(ast.parse(source, str(path)))
    found: set[str] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT or (token.type == tokenize.STRING and token.start[0] in docstrings):
            continue
        found.update(match.group(0).lower() for match in SERVICE_WORDS.finditer(token.string))
    return found


def test_the_check_sees_a_word_in_code_and_not_in_comments_or_docstrings(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('"""Schools."""\n# a pupil\ndef f():\n    """The home school."""\n    return "host_school"\n')
    assert service_words(module) == {"school"}
    module.write_text('"""Schools."""\nx = 1  # a pupil\n')
    assert service_words(module) == set()


def test_no_module_of_the_engine_names_the_service_beyond_what_is_listed():
    modules = sorted((ROOT / "engine").rglob("*.py"))
    assert len(modules) > 30
    found = {(str(path.relative_to(ROOT)), word) for path in modules for word in service_words(path)}
    assert found - set(REMAINING) == set(), "declare these in the service's package (schooling/parties.py), not the engine"
    assert set(REMAINING) - found == set(), "no longer needed: take these out of REMAINING"

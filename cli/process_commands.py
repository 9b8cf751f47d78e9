"""The `reintegrate` commands on process versions: init-db's deploy, validate, deploy, list, diff, migrate."""
from __future__ import annotations

from typing import Any

from engine.calls import in_call_order, key_and_calls
from engine.db import safe_url
from engine.dmn import documents_beside
from engine.errors import EngineError, InvalidProcess
from engine.locations import processes_dir
from engine.party_links import link_spellings
from engine.wiring import Runtime as App

from .commands import UsageError, _read, fail
from .output import emit


def init_db(app: App, args) -> int:
    folder = processes_dir()  # a setting that points nowhere fails before anything changes
    register = app.upgrade()  # with the register: new entries added, those already there kept as they are
    with app.engine() as eng:  # case parties spelled as an entry but for case and spacing, through the engine
        relinked = link_spellings(eng)
    relinked["accounts"] += register.pop("accounts_linked")
    results = _deploy_files(app, sorted(str(p) for p in folder.glob("*.bpmn")), "system")
    emit({"database": safe_url(app.url), "organisations": {**register, "relinked": relinked}, "deployed": results},
         args.json, "\n".join([f"schema up to date: {safe_url(app.url)}",
                               f"organisations register: {register['added']} added, {register['unchanged']} already "
                               f"there; {relinked['cases']} case(s) and {relinked['accounts']} account(s) relinked"]
                   + [_deployed_line(r) for r in results]))
    return 0


def _deployed_line(r: dict[str, Any]) -> str:
    return f"{r['file']}: {r['message']}"


def _with_documents(paths: list[str]) -> list[tuple[str, bytes, dict[str, bytes]]]:
    """Each BPMN file with the DMN files beside it that its business rule tasks reference."""
    out = []
    for path in paths:
        content = _read(path)
        out.append((path, content, documents_beside(path, content)))
    return out


def _deploy_files(app: App, paths: list[str], actor: str) -> list[dict[str, Any]]:
    with app.engine() as eng:
        return _deploy_each(eng, paths, actor)


def _deploy_each(eng, paths: list[str], actor: str, validate_only: bool = False) -> list[dict[str, Any]]:
    """Deploy the files, a called process before its callers, in the caller's transaction; every
    problem of every file at once (InvalidProcess: the caller rolls back, nothing is deployed). With
    `validate_only`, only a file another one calls is deployed (so that the caller's check finds it),
    and the caller rolls back."""
    contents = in_call_order(_with_documents(paths), lambda item: item[1])
    called = set().union(*(key_and_calls(content)[1] for _p, content, _d in contents))
    problems, results = [], []
    for path, content, docs in contents:
        if validate_only and key_and_calls(content)[0] not in called:
            problems += eng.validate(content, path, docs)
            continue
        try:
            results.append({"file": path, **eng.deploy(content, path, actor, docs).to_json()})
        except InvalidProcess as exc:  # refused before it wrote anything: the others are still checked
            problems += exc.problems
    if problems:
        raise InvalidProcess(problems)
    return results


def process_validate(app: App, args) -> int:
    """Every deploy check; files that call each other are checked together (what one calls is deployed
    in a transaction that is rolled back)."""
    with app.engine() as eng:
        try:
            _deploy_each(eng, args.files, "system", validate_only=True)
            problems = []
        except InvalidProcess as exc:
            problems = exc.problems
        eng.discard()  # validating deploys nothing
    if args.json:
        emit({"ok": not problems, "problems": [str(p) for p in problems]}, True)
    else:
        for p in problems:
            print(p)
        if not problems:
            print(f"ok: {len(args.files)} file(s) valid")
    return 1 if problems else 0


def process_deploy(app: App, args) -> int:
    results = _deploy_files(app, args.files, args.actor or "system")
    emit(results, args.json, "\n".join(_deployed_line(r) for r in results))
    return 0


def process_list(app: App, args) -> int:
    with app.engine() as eng:
        versions = eng.versions()
    emit(versions, args.json, "\n".join(
        f"{v['process']} v{v['version']}  {v['hash']}  {v['deployed_at']}  by {v['deployed_by']}  "
        f"{v['cases']} case(s)" for v in versions) or "no process deployed")
    return 0


def process_diff(app: App, args) -> int:
    with app.engine() as eng:
        diff = eng.diff_versions(args.process, args.old, args.new)
    lines = [f"{diff['process']}: v{diff['from']} -> v{diff['to']}"]
    lines += [f"  + {e}" for e in diff["added"]] + [f"  - {e}" for e in diff["removed"]]
    lines += [f"  ~ {e}: {', '.join(attrs)}" for e, attrs in sorted(diff["changed"].items())]
    emit(diff, args.json, "\n".join(lines if len(lines) > 1 else [*lines, "  no differences"]))
    return 0


def process_migrate(app: App, args) -> int:
    if args.revert == (args.to is not None):
        raise UsageError("give either --to VERSION or --revert")
    results, failures = [], []
    for case_id in args.cases:  # one transaction per case: one refusal does not hold back the others
        try:
            with app.engine() as eng:
                results.append(eng.migrate_case(case_id, args.to, args.actor or "system", dry_run=args.dry_run))
        except EngineError as exc:
            incident = getattr(exc, "incident_id", None)  # a step of the new version failed (StepFailed)
            failures.append({"case_id": case_id, "error": str(exc) + (
                f"; nothing was saved (incident #{incident}: `reintegrate incident list`)" if incident else "")})
    lines = [f"{r['case_id']}: v{r['from']} -> v{r['to']}{' (dry run)' if r['dry_run'] else ''}; "
             f"re-predicted {', '.join(r['affected']) or 'nothing'}" for r in results]
    emit({"migrated": results, "refused": failures}, args.json, "\n".join(lines) if lines else None)
    if not args.json:
        for f in failures:  # each refusal one line on stderr, as every other command's failure
            fail(f"{f['case_id']}: {f['error']}", 1)
    return 1 if failures else 0

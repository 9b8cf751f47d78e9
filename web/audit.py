"""The auditor's view of a case (read only): the timeline with actors, the case as it stood at any
step (replayed from the events), the path taken on the diagram, verification of the record, who has
viewed it, and the history as CSV, JSON and a printable document.

Auditors and admins see every case; the LA's roles see their authority's cases (404 for another's);
every other role is refused (403). Each view is written to the case's access log by the engine
(`viewer=`), once per request.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, jsonify, render_template, request

from engine import permissions
from engine.csv_export import write_csv
from engine.errors import InvalidData
from engine.models import User

from . import case_record
from .engine_access import run

bp = Blueprint("audit", __name__)
#: The latest views shown on the audit page; the whole access log is on its own paged page.
AUDIT_PAGE_ACCESS = 10
CSV_COLUMNS = ("seq", "at", "actor", "kind", "element", "step", "data", "hash")


@bp.app_template_global()
def can_audit(user: User | None) -> bool:
    """Whether the role may open the auditor's view at all (the case must still be theirs)."""
    return user is not None and bool(permissions.may(user, permissions.READ_AUDIT))


def _require(eng, user: User, case_id: str) -> None:
    permissions.require_may(user, permissions.READ_AUDIT)  # 403 for a role that never audits ...
    eng.reads.require_case(user, case_id)  # ... 404 for a case this account may not read


def _step_arg() -> int | None:
    value = request.args.get("step", "")
    return int(value) if value.isdigit() else None


def _step_view(eng, user: User, case_id: str, step: int | None) -> dict:
    _require(eng, user, case_id)
    info = case_record.case_info(eng, case_id)
    case = eng.show_case(case_id, viewer=user.name)  # the case as it stands now
    events = eng.history(case_id, viewer=user.name)
    seqs = [e["seq"] for e in events]
    chosen = min(max(step if step is not None else seqs[-1], seqs[0]), seqs[-1]) if seqs else 0
    replayed = eng.replay(case_id, until=chosen, viewer=user.name)
    upto = [e for e in events if e["seq"] <= chosen]
    event = upto[-1] if upto else None
    state = replayed["state"]
    titles = info.titles
    return {
        "case": case, "process_name": info.name, "events": events, "step": chosen, "event": event, "replayed": replayed,
        "titles": {e["seq"]: case_record.title(e, info) for e in events},
        "entered": case_record.labelled(case_record.entered(event), info, event.get("element")) if event else [],
        "data_so_far": case_record.labelled(state["data"], info),
        "ready": [{**t, "title": titles.get(t["task"], t["task"])} for t in state["ready_tasks"]],
        "timers": [{**t, "title": titles.get(t["task"], t["task"])} for t in state["waiting_timers"]],
        "path": case_record.path_elements(upto, state["task_states"]),
        "previous": max((s for s in seqs if s < chosen), default=None),
        "next": min((s for s in seqs if s > chosen), default=None),
        "access": eng.reads.access_page(case_id, 1, per_page=AUDIT_PAGE_ACCESS),
    }


@bp.get("/cases/<case_id>/audit")
def audit_page(case_id: str):
    step = _step_arg()
    view = run(lambda eng, user: _step_view(eng, user, case_id, step))
    return render_template("audit.html", **view)


@bp.get("/cases/<case_id>/audit/access")
def access_log(case_id: str):
    """Who has viewed the case, newest first, a page at a time (`?page=`)."""
    page = request.args.get("page", "1")

    def load(eng, user):
        _require(eng, user, case_id)
        case = eng.show_case(case_id, viewer=user.name)
        return case, eng.reads.access_page(case_id, int(page) if page.isdigit() else 1)

    case, access = run(load)
    return render_template("access_log.html", case=case, access=access)


@bp.get("/cases/<case_id>/audit/steps/<int:seq>.json")
def step_json(case_id: str, seq: int):
    """The case as it stood after event `seq`: the replayed state, as `replay --until` gives it."""
    def load(eng, user):
        _require(eng, user, case_id)
        return eng.replay(case_id, until=seq, viewer=user.name)

    try:
        return jsonify(run(load))
    except InvalidData as exc:  # a step the case has not had
        abort(404, description=str(exc))


@bp.get("/cases/<case_id>/audit/verify")
def verify(case_id: str):
    def check(eng, user):
        _require(eng, user, case_id)
        return eng.show_case(case_id, viewer=user.name), eng.replay(case_id, verify=True, viewer=user.name)

    case, result = run(check)
    return render_template("audit_verify.html", case=case, result=result)


def _history(eng, user: User, case_id: str) -> tuple[dict, list[dict], dict[int, str]]:
    _require(eng, user, case_id)
    info = case_record.case_info(eng, case_id)
    events = eng.history(case_id, viewer=user.name)
    return eng.show_case(case_id, viewer=user.name), events, {e["seq"]: case_record.title(e, info) for e in events}


@bp.get("/cases/<case_id>/audit/history.csv")
def history_csv(case_id: str):
    _case, events, titles = run(lambda eng, user: _history(eng, user, case_id))
    rows = [CSV_COLUMNS] + [(e["seq"], e["at"], e["actor"], e["kind"], e["element"] or "", titles[e["seq"]],
                             json.dumps(e["data"], sort_keys=True, ensure_ascii=False, default=str), e["hash"])
                            for e in events]
    return Response(write_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{case_id}-history.csv"'})


@bp.get("/cases/<case_id>/audit/history.json")
def history_json(case_id: str):
    def load(eng, user):
        case, events, titles = _history(eng, user, case_id)
        return {"case_id": case["case_id"], "process": case["process"], "version": case["version"],
                "status": case["status"], "exported_at": eng.clock.now().isoformat(), "exported_by": user.name,
                "events": [{**e, "step": titles[e["seq"]]} for e in events]}

    body = json.dumps(run(load), indent=2, ensure_ascii=False, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{case_id}-history.json"'})


@bp.get("/cases/<case_id>/audit/print")
def print_history(case_id: str):
    def load(eng, user):
        case, events, titles = _history(eng, user, case_id)
        info = case_record.case_info(eng, case_id)
        return {"case": case, "events": events, "titles": titles, "printed_by": user.name,
                "printed_at": eng.clock.now().isoformat(), "verified": eng.replay(case_id, verify=True, viewer=user.name),
                "entered": {e["seq"]: case_record.labelled(case_record.entered(e), info, e.get("element"))
                            for e in events}}

    return render_template("audit_print.html", **run(load))

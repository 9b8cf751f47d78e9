"""The report pages: each report with its charts and tables, filtered by academic year, term, school
and process, and as CSV. Who may run them, and over which cases, is engine.permissions' to say (an
authority's teams: their authority's cases; a school: its own pupils; auditors and admins: every case)."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, render_template, request, url_for

from engine import permissions
from engine.errors import InvalidData
from schooling import reports

from .engine_access import require_permission, run, runtime
from .report_charts import chart_svg

bp = Blueprint("reports", __name__)
FILTERS = ("year", "term", "school", "process")


@bp.before_request
def _report_runners_only():
    require_permission(permissions.REPORT)


def _today():
    rt = runtime()
    return rt.clock.now().astimezone(ZoneInfo(rt.policy.timezone)).date()


def _compute(name: str):
    """(report, filter options, the filter's own arguments) for the request's filters."""
    if name not in reports.REPORTS:
        abort(404, description=f"no report {name!r}")
    today = _today()
    try:
        f = reports.make_filter(*(request.args.get(k) for k in FILTERS), today=today)
    except InvalidData:  # the engine's message names the filter's fields; a person chose from a list
        abort(400, description="There is no report for that academic year or term. Choose an academic year "
                               "such as 2025/26, and a term if you want one, from the filters.")
    args = {k: v for k, v in f.to_json().items() if v}
    return run(lambda eng, user: (eng.reads.service(reports.run_report, name, f, today, viewer=user),
                                  eng.reads.service(reports.filter_options, f.year, viewer=user, today=today))) + (args,)


@bp.get("/reports")
def index():
    return render_template("reports.html", reports=reports.REPORTS)


@bp.get("/reports/<name>")
def report_page(name: str):
    report, options, args = _compute(name)
    data = report.to_json()
    for section in data["sections"]:
        section["svg"] = chart_svg(section, {c["key"]: c["label"] for c in section["columns"]})
    return render_template("report.html", report=data, name=name, title=reports.REPORTS[name][0],
                           options=options, args=args, csv_url=url_for("reports.export", name=name, **args),
                           own_process=reports.OWN_PROCESS[name],
                           all_reports=reports.REPORTS)


@bp.get("/reports/<name>/export.csv")
def export(name: str):
    report, _options, args = _compute(name)
    filename = re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join([name, *map(str, args.values())]).replace("/", "-")) + ".csv"
    return Response(reports.to_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

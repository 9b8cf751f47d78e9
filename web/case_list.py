"""The Cases page: the cases an account may see, searched by reference or initials, filtered, paged."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from engine import case_list, queries

from .engine_access import run

bp = Blueprint("case_list", __name__)


def _page(value: str | None) -> int:
    if not (value and value.isascii() and value.isdigit()):
        return 1
    if int(value) > queries.MAX_PAGE:
        abort(400, description=f"There is no page {value[:30]}: pages go from 1 to {queries.MAX_PAGE:,} at most.")
    return int(value)


@bp.get("/cases")
def cases():
    args = request.args
    filters = case_list.CaseFilter(q=args.get("q", "")[:50], process=args.get("process") or None,
                                   status=args.get("status") if args.get("status") in case_list.STATUSES else None,
                                   school=args.get("school") or None, page=_page(args.get("page")))

    def load(eng, user):
        return eng.reads.case_page(user, filters), eng.reads.process_names(), eng.reads.organisation_choices(user)

    page, processes, schools = run(load)
    return render_template("cases.html", page=page, filters=filters, processes=processes, schools=schools,
                           statuses=case_list.STATUSES, args=args)

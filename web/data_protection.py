"""The data protection officer's export: everything held about a case's pupil, across every process,
as one zip archive (HTML for a person, JSON for a machine), for a subject access request. The export
is a read of each case it holds, on their access logs."""
from __future__ import annotations

from flask import Blueprint, Response

from engine import permissions
from engine.errors import Forbidden
from engine.models import User
from engine.subject_access import export_archive

from .engine_access import run

bp = Blueprint("data_protection", __name__)
EXPORT_ROLES = ("dpo",)  # as engine.permissions has it (SUBJECT_ACCESS), for callers that import it


@bp.app_template_global()
def can_export_subject_access(user: User | None) -> bool:
    """Whether the account may export everything held about a pupil (data protection officers)."""
    return user is not None and bool(permissions.may(user, permissions.SUBJECT_ACCESS))


@bp.get("/cases/<case_id>/subject-access.zip")
def subject_access(case_id: str):
    def export(eng, user):
        eng.reads.require_case(user, case_id)
        if not can_export_subject_access(user):
            raise Forbidden(f"{user.name} ({user.role.replace('_', ' ')}) cannot export a pupil's records: "
                            "data protection officers only")
        return export_archive(eng, case_id, user.name)

    name, content, _summary = run(export)
    return Response(content, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

"""Pages that are the same for everyone: the accessibility statement."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")

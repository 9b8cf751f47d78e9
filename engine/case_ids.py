"""Case ids: the process's initials and 64 random bits (`R-1A2B3C4D5E6F7A8B`), drawn again on a clash."""
from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from .errors import Conflict
from .models import Case

_random_hex = secrets.token_hex  # the ids' randomness (a test seeds it to force a clash)
CASE_ID_BYTES = 8  # 64 random bits: a clash is unlikely before billions of cases of one process
CASE_ID_ATTEMPTS = 5


def new_case_id(process_key: str) -> str:
    """The prefix from the process key's initials (`R`, `RT`, `SP`), then 16 hex digits."""
    prefix = "".join(part[0] for part in process_key.split("_"))[:3].upper() or "C"
    return f"{prefix}-{_random_hex(CASE_ID_BYTES).upper()}"


def free_case_id(session: Session, process_key: str) -> str:
    """A new case id no case has yet: drawn again on a clash (a primary-key read each, nearly always one)."""
    for _ in range(CASE_ID_ATTEMPTS):
        case_id = new_case_id(process_key)
        if session.get(Case, case_id) is None:
            return case_id
    raise Conflict(f"no free case id after {CASE_ID_ATTEMPTS} draws: the id generator is broken; nothing was saved")

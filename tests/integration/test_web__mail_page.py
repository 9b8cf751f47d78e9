"""The mail page a page at a time (25 messages, newest first), filtered by status and by case, with the
filters kept in the pages' links."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine.models import OutboxMessage

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)


def _add_mail(rt, case_id: str) -> dict[str, int]:
    """60 messages on `case_id`: every 4th sent, every 5th of the rest failed, every 7th of the rest cancelled."""
    counts = {"sent": 0, "failed": 0, "cancelled": 0, "queued": 0}
    with rt.sessions() as s:
        for n in range(60):
            status = ("sent" if n % 4 == 0 else "failed" if n % 5 == 0 else "cancelled" if n % 7 == 0 else "queued")
            counts[status] += 1
            s.add(OutboxMessage(case_id=case_id, idempotency_key=f"test:mail:{n}", kind="test", recipient="a@b.example",
                                subject=f"Test message {n:02d}", body=f"Body {n}", created_at=AT + timedelta(minutes=n),
                                sent_at=AT if status == "sent" else None, failed_at=AT if status == "failed" else None,
                                cancelled_at=AT if status == "cancelled" else None, attempts=0))
        s.commit()
    return counts


def _subjects(html: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-summary-card__title">(.*?)</h2>', html)


def _count(html: str) -> str:
    return " ".join(re.search(r'<p class="govuk-body" id="mail-count">(.*?)</p>', html, re.S).group(1).split())


def test_mail_comes_a_page_at_a_time_filtered_by_status_and_case(web_world, signed_in):
    case_id = web_world.placement
    counts = _add_mail(web_world.runtime, case_id)
    with web_world.runtime.sessions() as s:
        total = s.scalar(select(func.count()).select_from(OutboxMessage))
        on_case = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.case_id == case_id))
    client = signed_in("aud.auditor")
    pages = -(-total // 25)

    first = client.get("/mail").get_data(as_text=True)
    assert _count(first) == f"{total} messages, newest first; page 1 of {pages}."
    assert _subjects(first)[:2] == ["Test message 59", "Test message 58"] and len(_subjects(first)) == 25
    assert 'href="/mail?page=2"' in first

    failed = client.get(f"/mail?status=failed&case={case_id.lower()}").get_data(as_text=True)  # any case of letters
    assert _count(failed) == f"{counts['failed']} messages failed for case {case_id}, newest first."
    assert all(int(s.split()[-1]) % 5 == 0 and int(s.split()[-1]) % 4 for s in _subjects(failed))
    assert 'option value="failed" selected' in failed and f'value="{case_id}"' in failed

    queued = client.get(f"/mail?status=queued&case={case_id}&page=99").get_data(as_text=True)  # past the last: the last
    per_case = -(-(on_case - counts["sent"] - counts["failed"] - counts["cancelled"]) // 25)
    assert f"page {per_case} of {per_case}." in _count(queued)
    assert f'href="/mail?page=1&amp;status=queued&amp;case={case_id}"' in queued  # the filters kept in the links
    assert "Cancelled</strong>" not in queued and "Failed</strong>" not in queued and "sent " not in _count(queued)

    cancelled = client.get("/mail?status=cancelled").get_data(as_text=True)
    assert len(_subjects(cancelled)) == counts["cancelled"] and "govuk-tag--grey\">Cancelled" in cancelled

    unknown = client.get("/mail?status=lost&case=R-NOSUCHCASE").get_data(as_text=True)
    assert _count(unknown) == "0 messages for case R-NOSUCHCASE, newest first." and "No mail matches these filters." in unknown
    assert client.get("/mail?status=sent").status_code == 200
    assert signed_in("hana.host").get("/mail").status_code == 403

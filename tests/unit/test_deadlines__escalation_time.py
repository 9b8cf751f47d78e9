from __future__ import annotations

from datetime import date

from handlers.deadlines import escalation_time
from schooling.policy import Policy


def test_escalation_is_the_next_morning_in_london_time():
    policy = Policy()
    assert escalation_time(policy, date(2026, 6, 3)) == "2026-06-04T08:00:00+00:00"  # BST
    assert escalation_time(policy, date(2026, 12, 3)) == "2026-12-04T09:00:00+00:00"  # GMT

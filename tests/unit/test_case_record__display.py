"""A stored value as the auditor's view and the printable forms show it: records and lists in words,
never JSON with field ids, ISO dates or `null`; a timer's repeating cycle as a sentence."""
from __future__ import annotations

import re

from web.case_record import display

ATTEMPTS = [{"attempt": 1, "host_school": "Kingsmead High School", "panel": "virtual",
             "place_offered_date": "2026-11-16", "confirmed": True, "reason": None}]


def test_a_list_of_records_is_one_line_each_in_words():
    text = display(ATTEMPTS)
    assert text == ("Attempt: 1; Host school: Kingsmead High School; Panel: virtual; "
                    "Place offered date: 16 November 2026; Confirmed: Yes; Reason: Not given")
    assert not re.search(r"[{}\[\]\"]|_|\d{4}-\d\d-\d\d|null|None", text)
    assert display([*ATTEMPTS, {**ATTEMPTS[0], "attempt": 2}]).count("\n") == 1


def test_a_list_of_values_is_one_line_and_an_empty_one_says_so():
    assert display(["2026-12-07", "2026-12-21"]) == "7 December 2026, 21 December 2026"
    assert display([]) == "Nothing recorded"


def test_a_timer_cycle_reads_as_a_sentence():
    assert display("R/2026-12-01T09:00:00+00:00/P7D") == "every 7 days from 1 December 2026, 09:00"
    assert display("R3/2026-12-01T09:00:00+00:00/P1D") == "every day from 1 December 2026, 09:00"
    assert display("R/not a date/P7D") == "every 7 days from not a date"

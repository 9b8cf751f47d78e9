"""Every CSV export goes through one writer that keeps text from running as a spreadsheet formula:
a cell beginning with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers."""
from __future__ import annotations

import csv
import io

from engine import csv_export
from schooling.reports import shape
from schooling.reports.shape import Report, Section

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"Click\")", "+44 1234", "-1+cmd|' /C calc'!A0", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


def _report() -> Report:
    rows = [{"school": text, "count": n} for text, n in zip(HOSTILE, (1, -3, 0, 2, 5, 7), strict=True)]
    rows.append({"school": "Kingsmead High School", "count": 2.5})
    return Report("test", "=Title", {"school": "@me"}, headline=[("-Headline", -3), ("Cases", 12.0)],
                  sections=[Section("s", "+Section", [("school", "=School"), ("count", "Count")], rows)])


def test_report_exports_neutralise_every_text_cell_and_keep_numbers():
    table = list(csv.reader(io.StringIO(shape.to_csv(_report()))))
    assert table[0] == ["'=Title", "school=@me"]
    assert table[1] == ["'-Headline", "-3"] and table[2] == ["Cases", "12"]
    assert table[4] == ["'+Section"] and table[5] == ["'=School", "Count"]
    body = table[6:]
    assert [r[0] for r in body] == ["'" + text for text in HOSTILE] + ["Kingsmead High School"]
    assert [r[1] for r in body] == ["1", "-3", "0", "2", "5", "7", "2.5"]
    for row in table:
        for value in row:
            assert value == "-3" or not value.startswith(csv_export.FORMULA_START), value  # a number is no formula


def test_the_reports_and_the_audit_use_the_one_writer():
    from web import audit

    assert shape.write_csv is csv_export.write_csv and audit.write_csv is csv_export.write_csv


def test_cells():
    assert [csv_export.cell(v) for v in (None, True, False, 3, -3, 2.0, 2.5, "-3", "a-b")] == [
        "", "yes", "no", 3, -3, 2, 2.5, "'-3", "a-b"]

"""A report's result: headline figures and sections, each a table with the chart that shows it best,
and the same result as JSON, CSV and plain text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.csv_export import write_csv


@dataclass
class Chart:
    """How to draw a section: `kind` "bar" or "line"; one bar or point per row, labelled by the
    `label` column, one series per `series` column; `unit` "%" or "£" or ""; `reference` a value to
    mark with a line (a target or a limit), with its `reference_label`."""

    kind: str
    label: str
    series: list[str]
    unit: str = ""
    reference: float | None = None
    reference_label: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "series": self.series, "unit": self.unit,
                "reference": self.reference, "reference_label": self.reference_label}


@dataclass
class Section:
    id: str
    title: str
    columns: list[tuple[str, str]]  # (key, heading)
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "columns": [{"key": k, "label": v} for k, v in self.columns],
                "rows": self.rows, "chart": self.chart.to_json() if self.chart else None, "note": self.note}


@dataclass
class Report:
    name: str
    title: str
    filters: dict[str, Any]
    headline: list[tuple[str, Any]] = field(default_factory=list)  # (label, value)
    sections: list[Section] = field(default_factory=list)
    note: str = ""

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def to_json(self) -> dict[str, Any]:
        return {"report": self.name, "title": self.title, "filters": self.filters,
                "headline": [{"label": k, "value": v} for k, v in self.headline],
                "sections": [s.to_json() for s in self.sections], "note": self.note}


def percent(part: int | float, whole: int | float) -> float | None:
    """`part` of `whole` as a percentage to one decimal place; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_csv(report: Report) -> str:
    """Every section as a block: its title, a header row, its rows, then a blank line; every cell
    through the shared writer, which keeps text from running as a spreadsheet formula."""
    rows: list[list[Any]] = [[report.title, *(f"{k}={v}" for k, v in report.filters.items() if v)]]
    rows += [[label, value] for label, value in report.headline]
    for s in report.sections:
        rows += [[], [s.title], [label for _, label in s.columns]]
        rows += [[row.get(key) for key, _ in s.columns] for row in s.rows]
    return write_csv(rows)


def to_text(report: Report) -> str:
    """A plain-text rendering for the terminal: aligned columns under each section's title."""
    lines = [report.title + "  (" + ", ".join(f"{k} {v}" for k, v in report.filters.items() if v) + ")"]
    lines += [f"  {label}: {_cell(value)}" for label, value in report.headline]
    for s in report.sections:
        table = [[label for _, label in s.columns]] + [[_cell(r.get(k)) for k, _ in s.columns] for r in s.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(s.columns))]
        lines += ["", s.title]
        lines += ["  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in table]
        if not s.rows:
            lines.append("  (none)")
        if s.note:
            lines.append(f"  {s.note}")
    if report.note:
        lines += ["", report.note]
    return "\n".join(lines)

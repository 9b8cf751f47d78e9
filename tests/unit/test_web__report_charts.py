"""The report charts' two drawings: the wide one, and the phone one whose labels stand above their bars and
whose line chart names only as many points under its axis as fit, each at its own width."""
from __future__ import annotations

import re

from web.report_charts import NARROW, WIDTH, chart_svg


def _drawings(markup: str) -> dict[str, str]:
    found = dict(re.findall(r'<div class="app-chart__(wide|narrow)">(<svg.*?</svg>)</div>', markup, re.S))
    assert set(found) == {"wide", "narrow"}, markup[:200]
    return found


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<title>.*?</title>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def test_bars_on_a_phone_put_each_label_above_its_bars_across_the_whole_width():
    rows = [{"kind": "Reintegration support after alternative provision", "n": 2}, {"kind": "Early help", "n": 1}]
    section = {"title": "Support", "rows": rows, "chart": {"kind": "bar", "label": "kind", "series": ["n"]}}
    wide, narrow = (_drawings(chart_svg(section, {"n": "Requests"}))[k] for k in ("wide", "narrow"))
    assert f'viewBox="0 0 {WIDTH} ' in wide and f'viewBox="0 0 {NARROW} ' in narrow
    assert 'x="4" y="' in narrow and 'text-anchor="end"' in wide  # labels above the bars; beside them when wide
    bars = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)"', narrow)]
    assert bars[0] > NARROW / 2 and bars[1] == bars[0] / 2  # the longest bar takes most of the phone's width
    assert "Reintegration support after alternative…" in _texts(narrow) and "2" in _texts(narrow)


def test_a_line_over_twelve_terms_names_every_term_when_wide_and_those_that_fit_on_a_phone():
    rows = [{"term": f"{2020 + n // 3}/{21 + n // 3} {('autumn', 'spring', 'summer')[n % 3]}", "rate": 80 + n}
            for n in range(12)]
    section = {"title": "Attendance", "rows": rows,
               "chart": {"kind": "line", "label": "term", "series": ["rate"], "unit": "%"}}
    drawings = _drawings(chart_svg(section, {"rate": "Attendance"}))
    wide, narrow = _texts(drawings["wide"]), _texts(drawings["narrow"])
    assert sum(t.startswith("20") for t in wide) == 12 and "91%" in wide
    named = [t for t in narrow if t.startswith("20")]
    assert named == ["2020/21 autumn", "2022/23 autumn"], named  # whole names, none overlapping
    assert "91%" not in narrow  # no room for the values on the points: the table beside it has them

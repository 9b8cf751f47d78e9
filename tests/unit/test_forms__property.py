"""Property: any JSON value for any field of any form either cleans to the field's type (within its
constraints, its date rule and its text limit) or gives that field an error that names it;
`forms.clean` never raises, whatever it is sent."""
from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.forms import FIELD_TYPES, FormField, clean

IDS = ["f0", "f1", "f2", "f3"]
TODAY = date(2026, 3, 14)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([2**63, -(2**63) - 1, 10**400])
    | st.floats(allow_nan=True, allow_infinity=True) | st.text()
    | st.sampled_from(["", " ", "true", "No", "1", "-0", "--5", "²", "١٢", "2026-02-30", "2026-03-14",
                       "£18,000", "18,000.50", "91.5%", "1,00", "0.001", "1e5", "NaN", "2099-01-01",
                       " 2026-03-14 ", "20260314", "red", "<script>alert(1)</script>", "\x00", "\ud800"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5)


@st.composite
def fields(draw, fid: str) -> FormField:
    kind = draw(st.sampled_from(FIELD_TYPES))
    constraints = {}
    extra = {}
    if kind == "long":
        extra["format"] = draw(st.sampled_from([None, "money", "percent"]))
    if kind == "date":
        extra["date_rule"] = draw(st.sampled_from(["past", "future", "any"]))
    if kind == "long":
        for name in ("min", "max"):
            if draw(st.booleans()):
                constraints[name] = draw(st.integers(-100, 100))
    if kind == "string":
        for name in ("minlength", "maxlength"):
            if draw(st.booleans()):
                constraints[name] = draw(st.integers(0, 20))
    options = tuple((o, o.title()) for o in draw(st.lists(st.sampled_from(["red", "blue", "1", "true"]), min_size=1,
                                                         max_size=3, unique=True))) if kind == "enum" else ()
    return FormField(id=fid, label=f"Label {fid}", type=kind, required=draw(st.booleans()), options=options,
                     constraints=constraints, **extra)


@st.composite
def forms_and_data(draw):
    form = [draw(fields(fid)) for fid in draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=4, unique=True))]
    keys = st.sampled_from([*IDS, "not_on_form"]) | st.text(max_size=4)
    data = draw(st.dictionaries(keys, json_values, max_size=5) | json_values)
    return form, data


def _check_value(f: FormField, value) -> None:
    c = f.constraints
    if f.type == "string":
        assert isinstance(value, str) and value == value.strip()
        assert c.get("minlength", 0) <= len(value) <= f.maxlength
    elif f.type == "long":
        assert type(value) is int or (f.format and type(value) is float and round(value, 2) == value)
        assert c.get("min", value) <= value <= c.get("max", value)
    elif f.type == "boolean":
        assert type(value) is bool
    elif f.type == "date":
        assert isinstance(value, str) and date.fromisoformat(value).isoformat() == value
        assert {"past": value <= TODAY.isoformat(), "future": value >= TODAY.isoformat()}.get(f.date_rule, True)
    else:
        assert value in [oid for oid, _ in f.options]


@settings(max_examples=300, deadline=None)
@given(forms_and_data())
def test_any_json_cleans_to_the_right_type_or_a_field_error_and_never_raises(form_and_data):
    form, data = form_and_data
    values, errors = clean(form, data, TODAY)  # never raises
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
    if not isinstance(data, dict):
        assert values == {} and list(errors) == ["_"]
        return
    by_id = {f.id: f for f in form}
    for key in data:
        if key not in by_id:
            assert key in errors, f"{key!r} is not on the form but was not refused"
    for f in form:
        assert not (f.id in values and f.id in errors)
        if f.id in values:
            _check_value(f, values[f.id])
        elif f.id not in errors:  # left out: only allowed for an optional field sent empty or not at all
            raw = data.get(f.id)
            assert not f.required and (raw is None or (isinstance(raw, str) and not raw.strip()))
        if f.id in errors:
            assert f.label.lower() in errors[f.id].lower()  # the message names its field
    json.dumps(values)  # what is kept goes into the case's JSON data and the history as it is

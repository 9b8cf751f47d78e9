"""Form fields from `camunda:formData`, and validation of submitted data against them.

A field is described by the public JSON shape `{"id", "label", "type", "required", "options"}` plus
`constraints` (min, max, minlength, maxlength), `default`, `multiline` and what the diagram declares
in the field's `camunda:properties` (each checked at deploy, `FIELD_PROPERTIES`):

- `date_rule` (date fields): `past` for a date something happened (today or in the past), `future`
  for a planned date (today or in the future), `any` (the default) for neither;
- `format` (long fields): `money` (pounds, written as people write them: "£18,000", "18,000.50") or
  `percent` ("91.5", "91.5%"); either is stored as a JSON number, a whole number when it is one;
- `section`: the heading of the part of a long form the field belongs to (one page each);
- `error_name`: the words for the field in its error messages ("Date consent was given must be a
  real date"), when the label reads badly there; `error_required`: the whole message when a
  required field is left out ("Select yes if the parent agrees to a reintegration").

Free text always has a length limit: its `maxlength` constraint, else `DEFAULT_MAXLENGTH`.
The checking itself, with messages worded as the GOV.UK Design System words them, is
`engine.form_values`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .form_values import clean, error_name  # noqa: F401  (the public API of forms)

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
FIELD_TYPES = ("string", "long", "boolean", "date", "enum")
_NUMERIC_CONSTRAINTS = ("min", "max", "minlength", "maxlength")
KNOWN_CONSTRAINTS = ("required", "readonly", *_NUMERIC_CONSTRAINTS)
DATE_RULES = ("past", "future", "any")
NUMBER_FORMATS = ("money", "percent")
#: The longest free text a field takes unless its `maxlength` says otherwise: (one line, multi-line).
DEFAULT_MAXLENGTH = {False: 300, True: 3000}
#: The field properties this engine reads, and the field types each applies to (None: every type).
FIELD_PROPERTIES: dict[str, tuple[str, ...] | None] = {
    "multiline": ("string",), "date_rule": ("date",), "format": ("long",), "section": None,
    "error_name": None, "error_required": None,
}
_C = f"{{{CAMUNDA_NS}}}"


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    constraints: dict[str, int] = field(default_factory=dict)
    default: str | None = None
    multiline: bool = False
    readonly: bool = False
    date_rule: str = "any"
    format: str | None = None
    section: str | None = None
    error_name: str | None = None
    error_required: str | None = None

    @property
    def maxlength(self) -> int:
        """The most characters a text field takes (its constraint, else the default for its kind)."""
        return self.constraints.get("maxlength", DEFAULT_MAXLENGTH[self.multiline])

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "options": [{"id": oid, "name": name} for oid, name in self.options],
        }
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        if self.default is not None:
            out["default"] = self.default
        if self.multiline:
            out["multiline"] = True
        if self.type == "string":
            out["maxlength"] = self.maxlength
        if self.date_rule != "any":
            out["date_rule"] = self.date_rule
        for name in ("format", "section", "error_name", "error_required"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FormField:
        return cls(
            id=d["id"], label=d["label"], type=d["type"], required=d["required"],
            options=tuple((o["id"], o["name"]) for o in d["options"]),
            constraints=dict(d.get("constraints", {})), default=d.get("default"),
            multiline=d.get("multiline", False), date_rule=d.get("date_rule", "any"), format=d.get("format"),
            section=d.get("section"), error_name=d.get("error_name"), error_required=d.get("error_required"),
        )


def _property_problems(fid: str, ftype: str, props: dict[str, str | None]) -> list[str]:
    """What is wrong with a field's declared properties (see the module's docstring)."""
    problems = []
    for name, value in props.items():
        types = FIELD_PROPERTIES.get(name, ())
        if name not in FIELD_PROPERTIES:
            continue  # other tools' properties are theirs to read
        if types is not None and ftype not in types:
            problems.append(f"property {name!r} of field {fid!r} applies to {' and '.join(types)} fields only")
        elif not (value or "").strip():
            problems.append(f"property {name!r} of field {fid!r} has no value")
        elif name == "date_rule" and value not in DATE_RULES:
            problems.append(f"date_rule of field {fid!r} is {value!r}: use {', '.join(DATE_RULES)}")
        elif name == "format" and value not in NUMBER_FORMATS:
            problems.append(f"format of field {fid!r} is {value!r}: use {' or '.join(NUMBER_FORMATS)}")
        elif name == "multiline" and value not in ("true", "false"):
            problems.append(f"multiline of field {fid!r} is {value!r}: use true or false")
    return problems


def parse_form(element) -> tuple[list[FormField], list[tuple[int | None, str]]]:
    """Read `camunda:formData` under an lxml element: the fields and any (line, problem) found."""
    fields: list[FormField] = []
    problems: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    for node in element.iterfind(f".//{_C}formData/{_C}formField"):
        fid, ftype = node.get("id"), node.get("type") or "string"
        line = node.sourceline
        if not fid or not fid.isidentifier():
            problems.append((line, f"form field id {fid!r} must be a plain identifier"))
            continue
        if fid in seen:
            problems.append((line, f"form field {fid!r} is defined twice"))
        seen.add(fid)
        if ftype not in FIELD_TYPES:
            problems.append((line, f"form field {fid!r} has unknown type {ftype!r} (use {', '.join(FIELD_TYPES)})"))
            continue
        constraints: dict[str, int] = {}
        flags = set()
        for c in node.iterfind(f"{_C}validation/{_C}constraint"):
            name, config = c.get("name"), c.get("config")
            if name in ("required", "readonly"):
                flags.add(name)
            elif name in _NUMERIC_CONSTRAINTS:
                try:
                    constraints[name] = int(config)
                except (TypeError, ValueError):
                    problems.append((c.sourceline, f"constraint {name} of field {fid!r} needs a whole number"))
            else:
                problems.append((c.sourceline, f"unknown constraint {name!r} on field {fid!r}"))
        if constraints.get("maxlength", 1) < 1:
            problems.append((line, f"constraint maxlength of field {fid!r} must be 1 or more"))
        options = tuple((v.get("id"), v.get("name") or v.get("id")) for v in node.iterfind(f"{_C}value"))
        if ftype == "enum" and not options:
            problems.append((line, f"enum field {fid!r} has no options"))
        if {"required", "readonly"} <= flags and node.get("defaultValue") is None:
            problems.append((line, f"field {fid!r} is required and read-only with no default value: "
                                   "the form could never be submitted"))
        props = {p.get("id") or p.get("name"): p.get("value")
                 for p in node.iterfind(f"{_C}properties/{_C}property")}
        problems += [(line, msg) for msg in _property_problems(fid, ftype, props)]
        fields.append(FormField(
            id=fid, label=node.get("label") or fid, type=ftype, required="required" in flags,
            options=options, constraints=constraints, default=node.get("defaultValue"),
            multiline=props.get("multiline") == "true", readonly="readonly" in flags,
            date_rule=props.get("date_rule") if props.get("date_rule") in DATE_RULES else "any",
            format=props.get("format") if props.get("format") in NUMBER_FORMATS else None,
            section=(props.get("section") or "").strip() or None,
            error_name=(props.get("error_name") or "").strip() or None,
            error_required=(props.get("error_required") or "").strip() or None,
        ))
    return fields, problems

"""Form answers checked with the GOV.UK Design System's messages, the date rules, money and
percentages as people write them, text limits, and the field properties a diagram may declare."""
from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from engine.forms import FormField, clean, parse_form
from web.task_forms import date_problem, sections

TODAY = date(2026, 3, 14)


def _one(field: FormField, value) -> tuple[dict, dict]:
    return clean([field], {field.id: value}, TODAY)


@pytest.mark.parametrize(("field", "message"), [
    (FormField("parent_agrees", "Does the parent agree to a reintegration?", "boolean", required=True,
               error_required="Select yes if the parent agrees to a reintegration"),
     "Select yes if the parent agrees to a reintegration"),
    (FormField("family_present", "Family present", "boolean", required=True), "Select yes or no for family present"),
    (FormField("panel", "How the host school was identified", "enum", required=True, options=(("faap", "FAAP"),)),
     "Select how the host school was identified"),
    (FormField("when", "Date of meeting", "date", required=True), "Enter date of meeting"),
    (FormField("notes", "LA's reasons", "string", required=True), "Enter LA's reasons"),
    (FormField("n", "Exclusions (current academic year)", "long", required=True),
     "Enter exclusions (current academic year)"),
])
def test_a_required_field_left_out_says_what_to_do(field, message):
    assert _one(field, "  ") == ({}, {field.id: message})


@pytest.mark.parametrize(("field", "value", "message"), [
    (FormField("d", "Date consent was given", "date", date_rule="past"), "2026-03-15",
     "Date consent was given must be today or in the past"),
    (FormField("d", "Reintegration start date", "date", date_rule="future"), "2026-03-13",
     "Reintegration start date must be today or in the future"),
    (FormField("d", "Date of meeting", "date"), "2026-02-30", "Date of meeting must be a real date"),
    (FormField("n", "Year group", "long", constraints={"min": 0, "max": 13}), "14", "Year group must be between 0 and 13"),
    (FormField("n", "Pupils", "long", constraints={"min": 1}), "0", "Pupils must be 1 or more"),
    (FormField("n", "Pupils", "long"), "2.5", "Pupils must be a whole number"),
    (FormField("n", "Pupils", "long"), "two", "Pupils must be a number"),
    (FormField("m", "Annual cost", "long", format="money"), "lots", "Annual cost must be an amount of money, like "
                                                                   "£18,000 or £18,000.50"),
    (FormField("m", "Annual cost", "long", format="money", constraints={"min": 0}), "-£5", "Annual cost must be an "
                                                                                        "amount of money, like £18,000 "
                                                                                        "or £18,000.50"),
    (FormField("p", "Attendance", "long", format="percent", constraints={"min": 0, "max": 100}), "101%",
     "Attendance must be between 0 and 100"),
    (FormField("t", "Notes", "string", multiline=True, constraints={"maxlength": 10}), "x" * 11,
     "Notes must be 10 characters or less"),
    (FormField("t", "Reason", "string"), "x" * 301, "Reason must be 300 characters or less"),
    (FormField("parent_email", "Parent/carer email", "string"), "not an address",
     "Enter parent/carer email in the correct format, like name@example.com"),
    (FormField("e", "Visit", "enum", options=(("yes", "Yes"),)), "maybe", "Select visit from the list"),
])
def test_a_wrong_answer_says_what_is_wrong_in_the_design_systems_words(field, value, message):
    assert _one(field, value) == ({}, {field.id: message})


def test_dates_on_the_day_pass_either_rule_and_no_rule_takes_any_date():
    for rule in ("past", "future"):
        assert _one(FormField("d", "D", "date", date_rule=rule), "2026-03-14")[0] == {"d": "2026-03-14"}
    assert _one(FormField("d", "D", "date"), "2099-01-01")[0] == {"d": "2099-01-01"}
    assert clean([FormField("d", "D", "date", date_rule="past")], {"d": "2099-01-01"})[1] == {}  # no today: no rule


@pytest.mark.parametrize(("value", "stored"), [
    ("£18,000", 18000), ("18,000.50", 18000.5), ("£ 1,234.05", 1234.05), ("GBP 250", 250), (19500, 19500),
    (99.99, 99.99)])
def test_money_is_read_as_people_write_it_and_stored_as_a_number_of_pounds(value, stored):
    values, errors = _one(FormField("m", "Cost", "long", format="money"), value)
    assert errors == {} and values["m"] == stored and type(values["m"]) is type(stored)


@pytest.mark.parametrize(("value", "stored"), [("91.5", 91.5), ("91.5%", 91.5), ("100 %", 100), ("0", 0)])
def test_percentages_are_read_with_or_without_the_sign(value, stored):
    assert _one(FormField("p", "Attendance", "long", format="percent"), value) == ({"p": stored}, {})


def test_money_has_at_most_pence_and_a_whole_number_field_takes_no_fraction():
    assert _one(FormField("m", "Cost", "long", format="money"), "10.005")[1] == {
        "m": "Cost must be an amount of money, like £18,000 or £18,000.50"}
    assert _one(FormField("n", "Weeks", "long"), "1,000") == ({"n": 1000}, {})


@pytest.mark.parametrize(("parts", "message", "boxes"), [
    ({"day": "3", "month": "", "year": "2026"}, "Date consent was given must include a month", ("month",)),
    ({"day": "", "month": "", "year": "2026"}, "Date consent was given must include a day and a month",
     ("day", "month")),
    ({"day": "31", "month": "2", "year": "2026"}, "Date consent was given must be a real date", ("day",)),
    ({"day": "3", "month": "13", "year": "2026"}, "Date consent was given must be a real date", ("month",)),
    ({"day": "3", "month": "4", "year": "26"}, "Date consent was given must be a real date", ("year",)),
    ({"day": "x", "month": "y", "year": "2026"}, "Date consent was given must be a real date", ("day", "month")),
])
def test_a_date_typed_wrong_names_the_box_to_fix(parts, message, boxes):
    field = {"id": "consent_date", "label": "Date consent was given", "type": "date"}
    assert date_problem(field, parts) == (message, boxes)
    assert date_problem(field, {"day": "3", "month": "4", "year": "2026"}) is None


def _form(fields_xml: str):
    xml = (f'<task xmlns:camunda="http://camunda.org/schema/1.0/bpmn"><camunda:formData>{fields_xml}'
           '</camunda:formData></task>')
    return parse_form(etree.fromstring(xml))


def _prop(name: str, value: str) -> str:
    return f'<camunda:properties><camunda:property id="{name}" value="{value}"/></camunda:properties>'


def test_field_properties_are_read_and_checked_at_deploy():
    fields, problems = _form(
        f'<camunda:formField id="d" label="D" type="date">{_prop("date_rule", "past")}</camunda:formField>'
        f'<camunda:formField id="m" label="M" type="long">{_prop("format", "money")}</camunda:formField>'
        f'<camunda:formField id="s" label="S" type="string">{_prop("section", "About the pupil")}</camunda:formField>')
    assert problems == []
    assert (fields[0].date_rule, fields[1].format, fields[2].section) == ("past", "money", "About the pupil")
    assert fields[2].to_json()["maxlength"] == 300 and FormField.from_json(fields[0].to_json()) == fields[0]
    _, problems = _form(
        f'<camunda:formField id="d" label="D" type="date">{_prop("date_rule", "yesterday")}</camunda:formField>'
        f'<camunda:formField id="n" label="N" type="long">{_prop("date_rule", "past")}</camunda:formField>'
        f'<camunda:formField id="m" label="M" type="long">{_prop("format", "euros")}</camunda:formField>'
        '<camunda:formField id="t" label="T" type="string"><camunda:validation>'
        '<camunda:constraint name="maxlength" config="0"/></camunda:validation></camunda:formField>')
    messages = [m for _, m in problems]
    assert "date_rule of field 'd' is 'yesterday': use past, future, any" in messages
    assert "property 'date_rule' of field 'n' applies to date fields only" in messages
    assert "format of field 'm' is 'euros': use money or percent" in messages
    assert "constraint maxlength of field 't' must be 1 or more" in messages


def test_a_form_in_sections_is_split_in_the_order_its_parts_first_come():
    form = [{"id": "a", "section": "One"}, {"id": "b", "section": "Two"}, {"id": "c"}, {"id": "d", "section": "One"}]
    assert [(title, [f["id"] for f in fields]) for title, fields in sections(form)] == [
        ("One", ["a", "d"]), ("Two", ["b", "c"])]
    assert [t for t, _ in sections([{"id": "x"}])] == [""]

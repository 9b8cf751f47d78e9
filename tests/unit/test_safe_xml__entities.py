"""The XML parser every BPMN and DMN document goes through: no entity is expanded, so a document can
neither read a local file nor fetch a URL through a DTD, and text input parses like bytes."""
from __future__ import annotations

from lxml import etree

from engine.safe_xml import parse_xml, xml_parser


def test_an_external_entity_naming_a_local_file_is_left_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret")
    doc = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY leak SYSTEM "file://{secret}">]>'
           "<r>&leak;</r>").encode()
    root = parse_xml(doc)
    assert "the secret" not in etree.tostring(root).decode()
    assert root[0].tag is etree.Entity and root[0].text == "&leak;"  # kept as a reference, unresolved


def test_an_internal_entity_is_left_as_a_reference():
    root = parse_xml('<!DOCTYPE r [<!ENTITY a "expanded">]><r>&a;</r>')
    assert root.text is None and root[0].text == "&a;"


def test_text_with_an_encoding_declaration_parses_like_bytes_and_each_call_has_its_own_parser():
    text = '<?xml version="1.0" encoding="UTF-8"?><r a="1"/>'
    assert parse_xml(text).get("a") == parse_xml(text.encode()).get("a") == "1"
    assert xml_parser() is not xml_parser()

"""The one way the product parses XML that people give it (BPMN and DMN documents).

lxml's defaults would expand entities, so a document could pull in a local file or another server's
answer (XXE) or blow up through nested entities. Every parse goes through `xml_parser()`: entities
stay unresolved (validation reports any entity reference as a problem) and the parser never opens
a network connection. A new parser per call: lxml parsers are not shared between threads.
"""
from __future__ import annotations

from lxml import etree


def xml_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities and reads nothing from the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True)


def parse_xml(content: bytes | str):
    """The root element of `content` (text is encoded as UTF-8); raises `etree.XMLSyntaxError`."""
    return etree.fromstring(content.encode() if isinstance(content, str) else content, parser=xml_parser())

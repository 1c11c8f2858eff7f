"""Open311 responses in JSON and XML, and the spec's error format.

The JSON shape is the data itself (objects and arrays); XML wraps the same
data in the element names of the GeoReport v2 specification. Lists are named
by their container (``services`` holds ``service`` elements, and so on).
"""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")

# Container element -> element name of each item.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        child = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, child, item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    if isinstance(data, list):
        child = ITEM_NAMES.get(root, "item")
        for item in data:
            _append(element, child, item)
    else:
        for key, value in data.items():
            _append(element, key, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """``data`` as JSON, or as XML under ``root`` (the spec's root element names)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return HttpResponse(body, status=status, content_type=JSON_TYPE)
    return HttpResponse(to_xml(root, data), status=status, content_type=XML_TYPE)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The spec's error body: a list of ``{code, description}``; XML when the format is unknown."""
    data = [{"code": status, "description": description}]
    return respond(fmt if fmt in FORMATS else "xml", "errors", data, status=status)

"""docs/openapi.json for tests: load it, find an answer's schema, validate JSON against it.

``validate`` covers the JSON Schema keywords the document uses (no ``jsonschema`` package
is installed): $ref, allOf, oneOf, type, const, enum, required, properties,
additionalProperties, items, pattern, minLength, maxLength, minimum, maximum, minItems,
maxItems, maxProperties.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
SMS, EVENTS = "/api/sms/send", "/api/events"
SMS_STATUS, JOBS = "/api/sms/messages/{message_id}", "/api/events/jobs/{job_id}"
OPERATIONS = {SMS: "post", SMS_STATUS: "get", EVENTS: "post", JOBS: "get"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


@cache
def document() -> dict[str, Any]:
    return json.loads(DOC.read_text(encoding="utf-8"))


def operation(path: str, method: str = "post") -> dict[str, Any]:
    return document()["paths"][path][method]


def response_schema(path: str, status: int, method: str = "post") -> dict[str, Any]:
    """The documented schema of the answer ``status``; KeyError when it is undocumented."""
    answer = operation(path, method)["responses"][str(status)]
    return answer["content"]["application/json"]["schema"]


def documented_codes(path: str, status: int, method: str = "post") -> set[str]:
    """The ``code`` values the document allows for ``status`` (refusals list an enum)."""
    codes: set[str] = set()
    for part in _flatten(response_schema(path, status, method)):
        code = part.get("properties", {}).get("code", {})
        codes |= set(code.get("enum", [])) | ({code["const"]} if "const" in code else set())
    return codes


def validate(instance: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Every way ``instance`` breaks ``schema``, as readable lines (empty when valid)."""
    schema = resolve(schema)
    errors: list[str] = []
    for part in schema.get("allOf", []):
        errors += validate(instance, part, where)
    if "oneOf" in schema:
        matching = [part for part in schema["oneOf"] if not validate(instance, part, where)]
        if len(matching) != 1:
            errors.append(f"{where}: matches {len(matching)} of the oneOf schemas, not 1")
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_TYPES[name](instance) for name in names):
            return [*errors, f"{where}: {instance!r:.60} is not {types}"]
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{where}: {instance!r:.60} is not {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{where}: {instance!r:.60} is not one of {schema['enum']}")
    if isinstance(instance, str):
        errors += _string(instance, schema, where)
    if _TYPES["number"](instance) and instance < schema.get("minimum", instance):
        errors.append(f"{where}: {instance} < {schema['minimum']}")
    if _TYPES["number"](instance) and instance > schema.get("maximum", instance):
        errors.append(f"{where}: {instance} > {schema['maximum']}")
    if isinstance(instance, dict):
        errors += _object(instance, schema, where)
    if isinstance(instance, list) and not (
            schema.get("minItems", 0) <= len(instance) <= schema.get("maxItems", len(instance))):
        errors.append(f"{where}: {len(instance)} items, outside minItems/maxItems")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            errors += validate(item, schema["items"], f"{where}[{index}]")
    return errors


def check(response: Any, path: str) -> dict:
    """The answer validates against the documented schema and headers of its status."""
    method = OPERATIONS[path]
    documented = operation(path, method)["responses"]
    assert str(response.status_code) in documented, response.status_code
    data = response.get_json()
    errors = validate(data, response_schema(path, response.status_code, method))
    assert not errors, (response.status_code, data, errors)
    for name, header in documented[str(response.status_code)].get("headers", {}).items():
        schema = resolve(header)["schema"]
        if "const" in schema and name in response.headers:
            assert response.headers[name] == schema["const"], name
        if name == "Cache-Control":
            assert response.headers.get(name) == "no-store", (response.status_code, data)
    return data


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document()
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _flatten(schema: dict[str, Any]) -> list[dict[str, Any]]:
    schema = resolve(schema)
    parts = [schema]
    for part in [*schema.get("allOf", []), *schema.get("oneOf", [])]:
        parts += _flatten(part)
    return parts


def _string(value: str, schema: dict[str, Any], where: str) -> list[str]:
    errors = []
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r:.60} does not match {schema['pattern']}")
    if len(value) > schema.get("maxLength", len(value)):
        errors.append(f"{where}: longer than {schema['maxLength']}")
    if len(value) < schema.get("minLength", 0):
        errors.append(f"{where}: shorter than {schema['minLength']}")
    return errors


def _object(value: dict, schema: dict[str, Any], where: str) -> list[str]:
    errors = [f"{where}: {name} is required" for name in schema.get("required", [])
              if name not in value]
    if len(value) > schema.get("maxProperties", len(value)):
        errors.append(f"{where}: more than {schema['maxProperties']} properties")
    known = _known_properties(schema)
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in schema.get("properties", {}):
            errors += validate(item, schema["properties"][name], f"{where}.{name}")
        elif extra is False and name not in known:
            errors.append(f"{where}: {name} is not documented")
        elif isinstance(extra, dict):
            errors += validate(item, extra, f"{where}.{name}")
    return errors


def _known_properties(schema: dict[str, Any]) -> set[str]:
    """Names declared here or in an allOf part: additionalProperties sees them all."""
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= _known_properties(resolve(part))
    return names

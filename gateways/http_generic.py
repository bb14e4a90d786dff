"""The ``http`` gateway: any HTTP SMS provider, described by the admin.

The admin gives the URL, the method, one ``name={placeholder}`` line per parameter, optional
``Name: value`` header lines and the success rule (HTTP status, plus a substring of the body
or a JSON ``path=value``). Placeholders are substituted by name only; this is deliberately
not ``str.format``, which would let a setting read attributes (``{content.__class__}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from requests import Response

from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import provider_failure
from gateways.http import HttpGateway, json_or_none
from gateways.phone import national_number

PLACEHOLDER = re.compile(r"\{(\w+)\}")
METHODS = {"get": "GET", "post_form": "POST", "post_json": "POST"}


class MappingError(ValueError):
    """A parameter or header line the gateway cannot use."""


def parse_lines(text: str, separator: str) -> list[tuple[str, str]]:
    """``name<separator>value`` lines; blank lines and ``#`` comments are skipped."""
    pairs = []
    for line in str(text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, found, value = line.partition(separator)
        if not found or not name.strip():
            raise MappingError(f"line {line!r} is not name{separator}value")
        pairs.append((name.strip(), value.strip()))
    return pairs


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` placeholders; an unknown name is an error, not silent text."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise MappingError(f"unknown placeholder {{{name}}}; known: "
                               + ", ".join(f"{{{k}}}" for k in values))
        return values[name]
    return PLACEHOLDER.sub(replace, template)


def json_path(data: Any, path: str) -> str | None:
    """The value at a dotted path (``data.items.0.id``) as text, or None when absent."""
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data if isinstance(data, str) else json.dumps(data)


@register
class HttpSmsGateway(HttpGateway):
    name = "http"
    channel = "sms"
    label = _l("Generic HTTP API")
    fields = (
        GatewayField("url", _l("Request URL"), kind="url"),
        GatewayField("method", _l("Method"), required=False, default="post_form",
                     kind="choice", choices=(
                         ("get", _l("GET, parameters in the query string")),
                         ("post_form", _l("POST, form-encoded body")),
                         ("post_json", _l("POST, JSON body")),
                     )),
        GatewayField("params", _l("Parameters"), kind="text", description=_l(
            "One name={placeholder} per line. Placeholders: {phone} (+E.164), "
            "{phone_national}, {content}, {sign}, {template}, {secret} and the template's "
            "variables such as {code}.")),
        GatewayField("headers", _l("Headers"), required=False, kind="text",
                     description=_l("One Name: value per line; placeholders allowed.")),
        GatewayField("secret", _l("API key or password"), secret=True, required=False,
                     description=_l("Used as {secret}, so it never shows in the mapping.")),
        GatewayField("sign", _l("Signature"), required=False,
                     description=_l("Used as {sign}.")),
        GatewayField("success_status", _l("Success HTTP status"), required=False,
                     default=200, kind="int"),
        GatewayField("success_contains", _l("Success: the body contains"), required=False),
        GatewayField("success_json", _l("Success: JSON path=value"), required=False,
                     description=_l("For example `code=0` or `result.status=ok`.")),
        GatewayField("message_id_path", _l("Message id: JSON path"), required=False,
                     description=_l("For example data.msgid.")),
    )

    def _send(self, message: Message) -> SendResult:
        try:
            values = self._values(message)
            params = [(k, fill(v, values)) for k, v in parse_lines(self.config["params"], "=")]
            headers = {k: fill(v, values)
                       for k, v in parse_lines(self.config.get("headers", ""), ":")}
        except MappingError as exc:
            return SendResult.failed(self.name, "not_configured", raw_message=str(exc))
        return self._result(self._request(params, headers))

    def _values(self, message: Message) -> dict[str, str]:
        builtins = {
            "phone": message.to,
            "phone_national": national_number(message.to),
            "content": message.content,
            "sign": str(self.config.get("sign", "")),
            "template": message.template_code,
            "secret": str(self.config.get("secret", "")),
        }
        return {**{str(k): str(v) for k, v in message.params.items()}, **builtins}

    def _request(self, params: list[tuple[str, str]], headers: dict[str, str]) -> Response:
        kind = str(self.config.get("method") or "post_form")
        method, url = METHODS.get(kind, "POST"), str(self.config["url"])
        if kind == "get":
            return self.http(method, url, params=params, headers=headers)
        if kind == "post_json":
            return self.http(method, url, json=dict(params), headers=headers)
        return self.http(method, url, data=params, headers=headers)

    def _result(self, response: Response) -> SendResult:
        data = json_or_none(response) if self._wants_json() else None
        path, _, expected = str(self.config.get("success_json") or "").partition("=")
        actual = json_path(data, path.strip()) if path.strip() else None
        if self._succeeded(response, actual, expected.strip()):
            id_path = str(self.config.get("message_id_path") or "").strip()
            message_id = (json_path(data, id_path) or "") if id_path else ""
            return SendResult.sent(self.name, message_id=message_id,
                                   raw_code=str(response.status_code))
        return provider_failure(self.name, {}, actual or "", response.text[:500],
                                response.status_code, response.text[:500])

    def _succeeded(self, response: Response, actual: str | None, expected: str) -> bool:
        if response.status_code != int(self.config.get("success_status") or 200):
            return False
        contains = str(self.config.get("success_contains") or "")
        if contains and contains not in response.text:
            return False
        return not self.config.get("success_json") or actual == expected

    def _wants_json(self) -> bool:
        return bool(self.config.get("success_json") or self.config.get("message_id_path"))

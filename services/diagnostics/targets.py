"""The network endpoints to check: one per distinct scheme, host and port in use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from services.diagnostics.context import Context, endpoint_of
from services.diagnostics.result import CheckResult, Job, timed


@dataclass(frozen=True)
class Endpoint:
    url: str  # what is probed: the gateway's URL without query (it may hold secrets)
    host: str
    port: int
    gateways: tuple[str, ...]  # "sms.aliyun", ... that call it


def endpoints(context: Context) -> list[Endpoint]:
    found: dict[tuple[str, str, int], Endpoint] = {}
    for used in context.gateways:
        if used.channel == "email":
            continue  # SMTP is checked by the smtp module, not over HTTP
        url = probe_url(endpoint_of(used.gateway))
        if not url:
            continue
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "", _port(parts.scheme, parts.port))
        label = f"{used.channel}.{used.name}"
        if key in found:
            known = found[key]
            found[key] = Endpoint(known.url, known.host, known.port, (*known.gateways, label))
        else:
            found[key] = Endpoint(url, key[1], key[2], (label,))
    return list(found.values())


def endpoint_jobs(context: Context, family: str, title: Callable[[Endpoint], object],
                  check: Callable[[Endpoint, Context, object], CheckResult]) -> list[Job]:
    """One job per provider endpoint in use; the clock and connectivity checks run this way."""
    def job(endpoint: Endpoint) -> Job:
        name = title(endpoint)
        return Job(family, name, endpoint.url,
                   lambda: timed(lambda: check(endpoint, context, name)))

    return [job(endpoint) for endpoint in endpoints(context)]


def probe_url(url: str) -> str:
    """``url`` safe to request and to show: no query, no credentials, no placeholders."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    path = parts.path if "{" not in parts.path else "/"
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in (parts.hostname or ""):  # IPv6 literal
        netloc = f"[{parts.hostname}]" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, path or "/", "", ""))


def _port(scheme: str, port: int | None) -> int:
    return port or (443 if scheme == "https" else 80)

"""DNS, TCP and HTTP(S) of every gateway endpoint in use, each step timed.

What seed 001 case 9 does by hand (``curl http://sms.2office.net:8080/...`` from the
server): any HTTP answer, even a 404, proves the provider can be reached. The TCP step
connects only to addresses the SSRF guard accepts, and the HTTP step goes through the
guarded session, so a diagnostics run cannot be used to probe the server's own network.
"""

from __future__ import annotations

import socket
import time

from flask_babel import lazy_gettext as _l

from gateways.errors import result_from_exception
from gateways.http import RedirectRefused, is_public_address, make_session
from services.diagnostics.context import Context
from services.diagnostics.result import FAIL, OK, CheckResult, Job, Step, ms_since
from services.diagnostics.targets import Endpoint, endpoint_jobs


class StepFailed(Exception):
    def __init__(self, raw_code: str, detail: str) -> None:
        super().__init__(detail)
        self.raw_code = raw_code


def jobs(context: Context) -> list[Job]:
    return endpoint_jobs(context, "reachability", _title, check)


def _title(endpoint: Endpoint) -> object:
    return _l("Connectivity to %(url)s", url=endpoint.url)


def check(endpoint: Endpoint, context: Context, name: object = "") -> CheckResult:
    result = CheckResult("reachability", name or endpoint.url, target=endpoint.url,
                         detail=", ".join(endpoint.gateways), covers=endpoint.gateways)
    try:
        addresses = _dns(endpoint, context, result)
        _tcp(endpoint, addresses, context, result)
        _http(endpoint, context, result)
    except StepFailed as exc:
        result.status, result.code = FAIL, "unreachable"
        result.detail = f"{exc.raw_code}: {exc} ({', '.join(endpoint.gateways)})"
        return result
    result.status = OK
    return result


def _dns(endpoint: Endpoint, context: Context, result: CheckResult) -> list[str]:
    started = time.perf_counter()
    try:
        infos = socket.getaddrinfo(endpoint.host, endpoint.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        result.steps.append(Step("dns", False, ms_since(started), str(exc)))
        raise StepFailed("dns_failure", f"{endpoint.host} does not resolve: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    result.steps.append(Step("dns", True, ms_since(started), ", ".join(addresses[:4])))
    refused = [a for a in addresses if not is_public_address(a)]
    if refused and not context.allow_private:
        raise StepFailed("unsafe_url", f"{endpoint.host} resolves to {refused[0]}, which is "
                                       "not public; HERALD_ALLOW_PRIVATE_URLS is off")
    return addresses


def _tcp(endpoint: Endpoint, addresses: list[str], context: Context,
         result: CheckResult) -> None:
    started = time.perf_counter()
    error: OSError | None = None
    for address in addresses:
        try:
            with socket.create_connection((address, endpoint.port), timeout=context.timeout[0]):
                result.steps.append(Step("tcp", True, ms_since(started),
                                         f"{address}:{endpoint.port}"))
                return
        except OSError as exc:  # refused, timed out, no route: try the next address
            error = exc
    result.steps.append(Step("tcp", False, ms_since(started), str(error)))
    raw = "connect_timeout" if isinstance(error, TimeoutError) else "connect_failed"
    raise StepFailed(raw, f"TCP {endpoint.host}:{endpoint.port}: {error}")


def _http(endpoint: Endpoint, context: Context, result: CheckResult) -> None:
    step = "https" if endpoint.url.startswith("https") else "http"
    session = make_session(context.allow_private)
    started = time.perf_counter()
    try:
        response = session.request("GET", endpoint.url, timeout=context.timeout)
        status = response.status_code
        response.close()
    except RedirectRefused as exc:
        status = exc.response.status_code  # it answered: reachable
    except Exception as exc:
        failure = result_from_exception(endpoint.host, exc)
        result.steps.append(Step(step, False, ms_since(started), failure.raw_code))
        raise StepFailed(failure.raw_code, failure.raw_message) from exc
    finally:
        session.close()
    result.steps.append(Step(step, True, ms_since(started), f"HTTP {status}"))

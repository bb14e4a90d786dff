"""The network checks one by one: clock skew from a Date header, DNS / TCP / HTTP steps,
timeouts, the SSRF guard, the runner's deadline, and the page with every provider down."""

from __future__ import annotations

import re
import time

from core import settings
from services.diagnostics import clock, reachability, runner
from services.diagnostics.context import Context, gather
from services.diagnostics.result import CheckResult, Job
from services.diagnostics.targets import Endpoint, probe_url
from tests.diagnostics.helpers import page, store_unchecked
from tests.fakes.clock import SkewedClockServer
from tests.fakes.httpserver import FakeServer, Reply

FAST = Context((), True, (0.5, 0.5))


def endpoint(url: str, host: str = "127.0.0.1", port: int = 80) -> Endpoint:
    return Endpoint(url, host, port, ("sms.test",))


def skew_of(detail: str) -> int:
    return int(detail.split()[1])


def test_clock_in_step_is_ok(app):
    with SkewedClockServer(0) as server:
        result = clock.check(endpoint(server.url + "/"), FAST)
    assert result.status == "ok" and result.code == ""


def test_clock_skew_past_a_minute_warns(app):
    with SkewedClockServer(-90) as server:  # the provider is 90 s behind us
        result = clock.check(endpoint(server.url + "/"), FAST)
    assert (result.status, result.code) == ("warn", "clock_skew")
    assert abs(skew_of(result.detail) - 90) <= 2


def test_clock_skew_past_five_minutes_fails(app):
    with SkewedClockServer(400) as server:  # the provider is 400 s ahead of us
        result = clock.check(endpoint(server.url + "/"), FAST)
    assert (result.status, result.code) == ("fail", "clock_skew")
    assert abs(skew_of(result.detail) + 400) <= 2  # Date has one-second resolution


def test_clock_without_a_date_header_warns_without_a_code(app):
    with SkewedClockServer(None) as server:
        result = clock.check(endpoint(server.url + "/"), FAST)
    assert (result.status, result.code) == ("warn", "")


def test_clock_on_the_page_with_a_skewed_provider(app, client, auth):
    with SkewedClockServer(600) as server:
        store_unchecked({"sms.gateway": "smsbao", "sms.smsbao.username": "u",
                         "sms.smsbao.password": "p", "sms.smsbao.signature": "Herald",
                         "sms.smsbao.endpoint": server.url + "/"})
        auth.login()
        html = page(client, "/admin/diagnostics/")
    assert "<code>clock_skew</code>" in html
    assert abs(skew_of(re.search(r"skew [-+]\d+ s", html).group()) + 600) <= 2


def test_reachability_ok_lists_each_timed_step(app):
    with FakeServer(lambda r: Reply.text("no route", 404)) as server:
        result = reachability.check(endpoint(server.url + "/x", port=server.port), FAST)
    assert result.status == "ok"
    assert [s.name for s in result.steps] == ["dns", "tcp", "http"]
    assert result.steps[2].note == "HTTP 404"  # any answer proves the path works


def test_reachability_refused(app, closed_port):
    result = reachability.check(endpoint(f"http://127.0.0.1:{closed_port}/",
                                         port=closed_port), FAST)
    assert (result.status, result.code) == ("fail", "unreachable")
    assert result.detail.startswith("connect_failed")
    assert [(s.name, s.ok) for s in result.steps] == [("dns", True), ("tcp", False)]


def test_reachability_dns_failure(app):
    result = reachability.check(endpoint("http://sms.2office.invalid:8080/WebService/",
                                         "sms.2office.invalid", 8080), FAST)
    assert (result.status, result.code) == ("fail", "unreachable")
    assert result.detail.startswith("dns_failure")
    assert [(s.name, s.ok) for s in result.steps] == [("dns", False)]


def test_reachability_timeout_when_the_provider_never_answers(app):
    with FakeServer(lambda r: Reply.stalled(5)) as server:
        started = time.perf_counter()
        result = reachability.check(endpoint(server.url + "/", port=server.port), FAST)
    assert time.perf_counter() - started < 3
    assert (result.status, result.code) == ("fail", "unreachable")
    assert result.detail.startswith("read_timeout")
    assert [(s.name, s.ok) for s in result.steps][-1] == ("http", False)


def test_reachability_goes_through_the_ssrf_guard(app, dns):
    dns.names["metadata.example"] = ["169.254.169.254"]
    guarded = Context((), False, (0.5, 0.5))
    result = reachability.check(endpoint("http://metadata.example/", "metadata.example"),
                                guarded)
    assert result.detail.startswith("unsafe_url")
    assert [s.name for s in result.steps] == ["dns"]  # never connected


def test_probe_url_drops_query_and_placeholders():
    assert probe_url("https://api.example.com/send?key=SECRET") == "https://api.example.com/send"
    assert probe_url("https://api.example.com/{account}/send") == "https://api.example.com/"
    assert probe_url("ftp://x") == ""


def test_runner_turns_a_slow_check_into_check_timeout(app):
    slow = Job("reachability", "slow", "x", lambda: time.sleep(3) or CheckResult("x", "y"))
    started = time.perf_counter()
    [result] = runner.run_parallel([slow], deadline=0.3)
    assert time.perf_counter() - started < 1.5
    assert (result.status, result.code, result.name) == ("fail", "check_timeout", "slow")


def test_runner_turns_a_crashing_check_into_a_failure(app):
    def boom():
        raise RuntimeError("kaput")

    [result] = runner.run_parallel([Job("smtp", "boom", "x", boom)])
    assert (result.status, result.code) == ("fail", "unknown")
    assert "kaput" in result.detail


def test_runner_runs_network_checks_in_parallel(app):
    jobs = [Job("clock", str(i), "x", lambda: time.sleep(0.4) or CheckResult("clock", "c"))
            for i in range(4)]
    started = time.perf_counter()
    results = runner.run_parallel(jobs, deadline=3)
    assert time.perf_counter() - started < 1.2
    assert [r.status for r in results] == ["ok"] * 4


def test_page_renders_when_every_provider_is_unreachable(app, client, auth, closed_port):
    dead = f"http://127.0.0.1:{closed_port}/"
    store_unchecked({"sms.gateway": "smsbao", "sms.fallbacks": ["http", "upstream"],
                     "sms.smsbao.username": "u", "sms.smsbao.password": "p",
                     "sms.smsbao.signature": "Herald", "sms.smsbao.endpoint": dead,
                     "sms.http.url": "https://sms.nowhere.invalid/send?key={secret}",
                     "sms.http.params": "to={phone}",
                     "sms.upstream.url": "http://upstream.invalid", "sms.upstream.member_id": "7",
                     "sms.upstream.api_key": "k", "sms.upstream.sign_key": "s",
                     "wechat.gateway": "mp", "wechat.mp.app_id": "wx1",
                     "wechat.mp.app_secret": "sec", "wechat.mp.endpoint": dead,
                     "email.gateway": "smtp", "email.smtp.host": "127.0.0.1",
                     "email.smtp.port": closed_port, "email.smtp.security": "plain",
                     "email.smtp.from_address": "noreply@example.com"})
    auth.login()
    html = page(client, "/admin/diagnostics/")
    assert html.count("<code>unreachable</code>") >= 4  # smsbao, http, upstream, SMTP
    assert "<code>token_failed</code>" in html
    assert "{secret}" not in html and "key=" not in html


def test_gather_reads_the_chain_in_order(app):
    settings.update({"sms.fallbacks": "log"})
    context = gather()
    assert [(g.channel, g.name, g.role) for g in context.gateways] == [
        ("sms", "log", "active"), ("email", "log", "active")]

"""What the gateway layer costs per SMS, over a bare ``requests`` POST to the same server.

Run: ``.venv/bin/python bench/gateway_overhead.py [N]`` (N sends each way, default 2000).

Both sides talk to the same local fake Alibaba Cloud endpoint (keep-alive HTTP/1.1, the
signature checked on every request), so the server's share is equal and the difference is
Herald's own work: building and signing the request, the guarded session, parsing and
mapping the answer. The two loops run in alternating rounds so drift hits both alike.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from gateways.aliyun import AliyunGateway, percent_encode, sign  # noqa: E402
from gateways.base import Message  # noqa: E402
from tests.fakes.aliyun import AliyunFake  # noqa: E402
from tests.fakes.httpserver import FakeServer  # noqa: E402

TARGET_MS = 1.0
ROUNDS = 4
KEY_ID, SECRET = "LTAI5tBenchKeyId", "bench-secret-0123456789"
MESSAGE = Message(to="+8613800138000", template_code="SMS_154950909",
                  params={"code": "123456"})
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def presigned_body() -> str:
    """One valid SendSms body, signed once: the bare loop replays it."""
    gateway = AliyunGateway({"access_key_id": KEY_ID, "access_key_secret": SECRET,
                             "sign_name": "Herald"})
    canonical, signature = sign(SECRET, gateway._params(MESSAGE))
    return f"{canonical}&Signature={percent_encode(signature)}"


def time_gateway(gateway: AliyunGateway, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        result = gateway.send(MESSAGE)
        if not result.ok:
            raise SystemExit(f"gateway send failed: {result}")
    return time.perf_counter() - started


def time_bare(session: requests.Session, url: str, body: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = session.post(url, data=body, headers=FORM, timeout=(2, 5))
        if response.status_code != 200:
            raise SystemExit(f"bare post failed: {response.status_code} {response.text}")
    return time.perf_counter() - started


def main(count: int) -> None:
    # The fake keeps checking signatures but not nonces, so the replayed body stays valid.
    fake = AliyunFake({KEY_ID: SECRET}, check_nonce=False)
    with FakeServer(fake) as server:
        url = server.url + "/"
        gateway = AliyunGateway({"access_key_id": KEY_ID, "access_key_secret": SECRET,
                                 "sign_name": "Herald", "endpoint": url},
                                {"timeout": (2, 5), "allow_private": True})
        session, body = requests.Session(), presigned_body()
        # Like the gateway's session: no proxy / .netrc lookups from the environment, which
        # would otherwise make the bare baseline slower and hide the gateway's own cost.
        session.trust_env = False
        time_gateway(gateway, 100)  # warm both connections and caches
        time_bare(session, url, body, 100)
        per_round = max(count // ROUNDS, 1)
        gateway_s = bare_s = 0.0
        for _ in range(ROUNDS):
            gateway_s += time_gateway(gateway, per_round)
            bare_s += time_bare(session, url, body, per_round)
    report(gateway_s / (per_round * ROUNDS), bare_s / (per_round * ROUNDS), per_round * ROUNDS)


def report(gateway_each: float, bare_each: float, count: int) -> None:
    overhead_ms = (gateway_each - bare_each) * 1000
    print(f"{count} sends each, local fake Alibaba Cloud SendSms (keep-alive)")
    print(f"{'path':<28}{'per send (µs)':>16}")
    print(f"{'AliyunGateway.send':<28}{gateway_each * 1e6:>16.1f}")
    print(f"{'bare requests.Session.post':<28}{bare_each * 1e6:>16.1f}")
    print(f"{'overhead':<28}{overhead_ms * 1000:>16.1f}")
    verdict = "PASS" if overhead_ms <= TARGET_MS else "MISS"
    print(f"BENCH gateway_overhead figure={overhead_ms:.3f} baseline={bare_each * 1000:.3f} "
          f"target={TARGET_MS:.3f} {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)

"""The HTTP SMS provider the benches send to: answers ``OK`` to every POST, after a delay
while ``slow()`` (8 s in the slow-provider bench), and records every phone it was sent.

``arrived[phone]`` is the ``perf_counter`` moment the phone's request came in (the latency
bench waits for it); ``phones`` counts requests per phone (the exactly-once checks).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from _serve import free_port


class Provider:
    def __init__(self) -> None:
        self.delay = 0.0
        self.instant = threading.Event()  # set: every waiting request answers now
        self.arrived: dict[str, float] = {}
        self.phones: Counter[str] = Counter()
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                now = time.perf_counter()
                length = int(self.headers.get("Content-Length") or 0)
                phone = parse_qs(self.rfile.read(length).decode()).get("phone", [""])[0]
                with provider.lock:
                    provider.arrived.setdefault(phone, now)
                if provider.delay:
                    provider.instant.wait(provider.delay)
                with provider.lock:
                    provider.phones[phone] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, phone: str, timeout: float = 30.0) -> float:
        """When ``phone``'s request arrived, waiting for it up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while phone not in self.arrived:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{phone} never reached the provider")
            time.sleep(0.001)
        return self.arrived[phone]

    def answered(self) -> int:
        with self.lock:
            return sum(self.phones.values())

    def slow(self, delay: float) -> None:
        self.instant.clear()
        self.delay = delay

    def fast(self) -> None:
        self.delay = 0.0
        self.instant.set()

"""A small threaded HTTP/1.1 server for tests: routes to functions, records every request.

    with FakeServer() as server:
        server.route("/sms", lambda request: Reply.text("0"))
        requests.get(server.url + "/sms")
        assert server.requests[0].query["u"] == ["alice"]

A handler may also answer ``Reply.stalled(seconds)`` (say nothing, for timeout tests) or
``Reply.dropped()`` (drop the connection with a TCP RST after reading the request). Pass
an ``ssl.SSLContext`` as ``tls`` to serve HTTPS.
Keep-alive is on, so a client session reuses its connection as it would in production.
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    client: tuple[str, int] = ("", 0)  # the peer: equal ports mean a reused connection

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def form(self) -> dict[str, str]:
        """The form-encoded body, one value per name."""
        return {k: v[-1] for k, v in parse_qs(self.text, keep_blank_values=True).items()}

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall: float = 0.0
    reset: bool = False

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        body = json.dumps(data, ensure_ascii=False).encode()
        return cls(status, body, {"Content-Type": "application/json;charset=utf-8",
                                  **(headers or {})})

    @classmethod
    def text(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode(), {"Content-Type": "text/plain;charset=utf-8"})

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status, b"", {"Location": location})

    @classmethod
    def stalled(cls, seconds: float) -> Reply:
        return cls(stall=seconds)

    @classmethod
    def dropped(cls) -> Reply:
        return cls(reset=True)


Handler = Callable[[Request], Reply]


class FakeServer:
    """Listens on 127.0.0.1, a free port; use as a context manager."""

    def __init__(self, handler: Handler | None = None,
                 tls: ssl.SSLContext | None = None) -> None:
        self.default = handler
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self.scheme = "https" if tls else "http"
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        if tls:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        # A short poll interval: shutdown() waits up to one interval, at every teardown.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,),
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def answer(self, request: Request) -> Reply:
        self.requests.append(request)
        handler = self.routes.get(request.path, self.default)
        return handler(request) if handler else Reply.text("no route", 404)

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # wakes stalled handlers so shutdown does not wait for them
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _make_handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like real providers
        # One buffered write per answer and no Nagle: headers and body sent apart would
        # meet the client's delayed ACK and cost ~40 ms a request.
        wbufsize = -1
        disable_nagle_algorithm = True

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(self.command, parts.path, parse_qs(parts.query),
                              {k.lower(): v for k, v in self.headers.items()}, body,
                              self.client_address[:2])
            self._write(server.answer(request))

        def _write(self, reply: Reply) -> None:
            if reply.stall:
                server.stopping.wait(reply.stall)
            if reply.reset or reply.stall:
                self._reset()
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def _reset(self) -> None:
            # SO_LINGER 0 turns close() into a TCP RST instead of an orderly FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return _Handler

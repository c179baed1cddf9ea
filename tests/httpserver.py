"""A real HTTP/1.1 server on 127.0.0.1 for the fetcher's tests and benchmark.

uvicorn (h11) serving a plain ASGI callable, in a background thread, on a random free port. Tests register
routes (path -> ``Reply`` or a function of the request returning one) and read back what the server saw:
every request with its headers and arrival time, body bytes handed to the socket, whether a streamed body was
finished or the client went away first, and the most requests in flight at once.

Run as a script (``python tests/httpserver.py --page-bytes 2048``) it serves the same HTML page on every path,
prints its port and runs until its stdin closes: the benchmark runs it in its own process, so the server does
not share the client's interpreter lock.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import uvicorn


@dataclass
class Reply:
    """What a route answers. ``body`` as bytes is sent at once with a Content-Length; an iterable of bytes is
    streamed chunked, one chunk per send, stopping early if the client disconnects."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the status line
    chunk_delay: float = 0.0  # seconds before each streamed chunk


@dataclass
class Seen:
    """One request as the server saw it, and what it sent back."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival
    status: int | None = None
    bytes_sent: int = 0  # body bytes handed to the transport
    completed: bool = False  # the whole body was sent
    disconnected: bool = False  # a streamed body stopped because the client went away


Handler = Callable[[Seen], Reply]


class TestServer:
    """The server; ``start()``/``stop()`` or use as a context manager."""

    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host  # any loopback address: a second server on 127.0.0.2 can count requests that escaped
        self.routes: dict[str, Handler | Reply] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- test-facing API --

    def route(self, path: str, handler: Handler | Reply) -> None:
        """Answer ``path`` (exact, or a prefix when it ends with ``*``) with a Reply or a function of the request."""
        self.routes[path] = handler

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path == path]

    def start(self) -> TestServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self, interface="asgi3", http="h11", loop="asyncio", lifespan="off", log_level="warning",
            access_log=False, timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("test HTTP server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- ASGI --

    def _reply_for(self, seen: Seen) -> Reply:
        handler = self.routes.get(seen.path)
        if handler is None:  # longest matching prefix route
            prefixes = [p for p in self.routes if p.endswith("*") and seen.path.startswith(p[:-1])]
            handler = self.routes[max(prefixes, key=len)] if prefixes else None
        if handler is None:
            return Reply(404, b"not found", content_type="text/plain")
        return handler if isinstance(handler, Reply) else handler(seen)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        seen = Seen(
            method=scope["method"], path=scope["path"],
            query={k: v[-1] for k, v in parse_qs(scope["query_string"].decode("latin-1")).items()},
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            at=time.monotonic(),
        )
        self.requests.append(seen)
        self.in_flight += 1  # only touched on the server's event loop
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = self._reply_for(seen)
            if reply.delay:
                await asyncio.sleep(reply.delay)
            await self._respond(seen, reply, receive, send)
        finally:
            self.in_flight -= 1

    async def _respond(self, seen: Seen, reply: Reply, receive: Callable, send: Callable) -> None:
        headers = dict(reply.headers)
        if reply.content_type and not any(k.lower() == "content-type" for k in headers):
            headers["content-type"] = reply.content_type
        streamed = not isinstance(reply.body, (bytes, bytearray))
        if not streamed and reply.status not in (204, 304):
            headers.setdefault("content-length", str(len(reply.body)))
        seen.status = reply.status
        raw_headers = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": reply.status, "headers": raw_headers})
        if not streamed:
            body = b"" if reply.status in (204, 304) else bytes(reply.body)
            await send({"type": "http.response.body", "body": body})
            seen.bytes_sent, seen.completed = len(body), True
            return
        await self._stream(seen, reply, receive, send)

    async def _stream(self, seen: Seen, reply: Reply, receive: Callable, send: Callable) -> None:
        gone = asyncio.Event()

        async def watch() -> None:  # uvicorn's send() is silent after a disconnect; receive() tells us
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.create_task(watch())
        try:
            for chunk in reply.body:
                if reply.chunk_delay:
                    await asyncio.sleep(reply.chunk_delay)
                await asyncio.sleep(0)  # let the watcher run
                if gone.is_set():
                    seen.disconnected = True
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                seen.bytes_sent += len(chunk)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            seen.completed = True
        finally:
            watcher.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve one HTML page on every path until stdin closes.")
    parser.add_argument("--page-bytes", type=int, default=2048)
    args = parser.parse_args()
    filler = "<p>bilat benchmark page, plain paragraph text for the fetcher to read.</p>\n"
    html = "<!doctype html><html><head><meta charset=utf-8><title>page</title></head><body>\n"
    html += filler * (args.page_bytes // len(filler) + 1)
    page = (html[: args.page_bytes - len("</body></html>")] + "</body></html>").encode()
    server = TestServer()
    server.route("/*", Reply(body=page))
    server.requests = _Discard()  # a benchmark makes many requests: keep none
    with server:
        print(server.port, flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or dies)


class _Discard(list):
    def append(self, item: object) -> None:
        pass


if __name__ == "__main__":
    main()

"""Pages per second through bilat's Fetcher next to a bare httpx.AsyncClient loop, same server, same run.

    .venv/bin/python benchmarks/fetch_benchmark.py [--pages 1000] [--concurrency 32] [--runs 5]

The server (tests/httpserver.py, uvicorn) runs in its own process so it does not compete with the client for
the interpreter lock, and serves a 2 KB HTML page on every path. The Fetcher runs with robots.txt and the
rate limit off and 127.0.0.1 allowed, so what is measured is its own overhead: safety check, slots, streaming
with the size cap, content-type and charset checks. The two clients alternate, run after run, so drift on a
noisy machine hits both; the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bilat.fetch.contract import FetchPolicy
from bilat.fetch.http import Fetcher

SERVER = Path(__file__).resolve().parents[1] / "tests" / "httpserver.py"


def start_server(page_bytes: int) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen([sys.executable, str(SERVER), "--page-bytes", str(page_bytes)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    return server, port


def stop_server(server: subprocess.Popen) -> None:
    server.stdin.close()  # the server exits when its stdin closes
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.terminate()
        server.wait()


async def with_fetcher(urls: list[str], concurrency: int) -> float:
    policy = FetchPolicy(
        concurrency=concurrency, per_host_concurrency=concurrency, per_host_rate=0.0, respect_robots=False,
        allowed_private_hosts=frozenset({"127.0.0.1"}),
    )
    async with Fetcher(policy) as fetcher:
        started = time.perf_counter()
        results = await fetcher.fetch_many(urls)
        elapsed = time.perf_counter() - started
    bad = [r for r in results if r.outcome != "fetched"]
    assert not bad, f"{len(bad)} pages not fetched, e.g. {bad[0]}"
    return len(urls) / elapsed


async def with_bare_httpx(urls: list[str], concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=15.0) as client:

        async def get(url: str) -> bytes:
            async with gate:
                response = await client.get(url)
                response.raise_for_status()
                return response.content

        started = time.perf_counter()
        await asyncio.gather(*(get(url) for url in urls))
        return len(urls) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages per run (default 1000)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (default 32)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each client (default 5)")
    parser.add_argument("--page-bytes", type=int, default=2048, help="size of each page (default 2048)")
    args = parser.parse_args()

    server, port = start_server(args.page_bytes)
    try:
        urls = [f"http://127.0.0.1:{port}/page/{i}" for i in range(args.pages)]
        asyncio.run(with_bare_httpx(urls[:200], args.concurrency))  # warm up imports and the server
        rates: dict[str, list[float]] = {"bilat Fetcher": [], "bare httpx": []}
        for run in range(1, args.runs + 1):
            rates["bilat Fetcher"].append(asyncio.run(with_fetcher(urls, args.concurrency)))
            rates["bare httpx"].append(asyncio.run(with_bare_httpx(urls, args.concurrency)))
            print(f"run {run}: Fetcher {rates['bilat Fetcher'][-1]:7.0f} pages/s   "
                  f"bare httpx {rates['bare httpx'][-1]:7.0f} pages/s", flush=True)
    finally:
        stop_server(server)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"\n{args.pages} pages of {args.page_bytes} bytes, concurrency {args.concurrency}, "
          f"median of {args.runs} runs:")
    for name, value in medians.items():
        print(f"  {name:<14} {value:7.0f} pages/s")
    print(f"  ratio Fetcher / bare httpx: {medians['bilat Fetcher'] / medians['bare httpx']:.2f}")


if __name__ == "__main__":
    main()

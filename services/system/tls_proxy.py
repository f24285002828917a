"""A TLS-terminating proxy in front of a local stack's ledger, as the ingress is in production.

The ledger listens on plain HTTP (probes and Prometheus scrapes reach it inside the cluster) and accepts
an API token only over HTTPS: behind a TLS-terminating proxy that sets ``X-Forwarded-Proto: https``,
believed when TRUST_FORWARDED_PROTO is set (deploy/README.md). The demo and the end-to-end tests put
this proxy in front of it, so a ministry's token never travels in the clear on a developer's machine
either: TLS from the client to the proxy, then the loopback interface to the ledger.
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

from aiohttp import ClientSession, web

from services.kernel.config import Settings
from services.kernel.http import tls_context

#: Headers of one hop (RFC 9110, 7.6.1) and those aiohttp sets itself: not passed on.
_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                  "host", "content-length"})
#: What the trusted proxy says about the request; a client's own value is replaced, never passed on.
_FORWARDED = frozenset({"x-forwarded-proto", "x-forwarded-for", "forwarded"})


def _passed_on(headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in _HOP | _FORWARDED}


def _app(target: str) -> web.Application:
    session: dict[str, ClientSession] = {}

    async def forward(request: web.Request) -> web.StreamResponse:
        if "client" not in session:  # made in the proxy's own event loop, on first use
            session["client"] = ClientSession(auto_decompress=False)
        client = session["client"]
        async with client.request(request.method, target + request.rel_url.raw_path_qs, data=await request.read(),
                                  headers={**_passed_on(request.headers), "X-Forwarded-Proto": "https"},
                                  allow_redirects=False) as upstream:
            body = await upstream.read()
            headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP}
            return web.Response(status=upstream.status, body=body, headers=headers)

    async def close(_app) -> None:
        if "client" in session:
            await session["client"].close()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    app.on_cleanup.append(close)
    return app


@contextlib.contextmanager
def tls_proxy(target_url: str, conf: Settings, port: int = 0) -> Iterator[str]:
    """Serve HTTPS on ``port`` (0: a free one) of the loopback interface, with the development certificate
    or INTAKE_TLS_CERT/KEY, in front of ``target_url``; yields the proxy's https URL, stops it on exit."""
    ssl_context, _ = tls_context(conf.data_dir, conf.intake_tls_cert, conf.intake_tls_key)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_app(target_url.rstrip("/")), access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=ssl_context)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, name="tls-proxy", daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()

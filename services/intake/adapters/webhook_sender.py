"""Delivering one signed webhook: resolve the host, refuse non-public addresses, connect to the address
that was checked (pinned: the TLS certificate is still checked against the host name), POST.

Any answer but 2xx, a redirect included, a time-out or a refused connection is a failed delivery.
"""
from __future__ import annotations

import asyncio
import socket
import ssl
import time

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from services.intake.domain import webhook_signing, webhook_targets


class DeliveryFailed(Exception):
    """The endpoint did not take the delivery; the message names the cause, never the body."""


class _Pinned(AbstractResolver):
    """Answers every look-up with the one address that was checked."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        fam = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        return [{"hostname": host, "host": self.address, "port": port, "family": fam, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        return None


async def resolve_checked(url: str, allow_loopback: bool) -> tuple[str, int, str]:
    """(host, port, address to connect to); raises RefusedTarget."""
    host, port = webhook_targets.parse(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise webhook_targets.RefusedTarget("the host does not resolve") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    return host, port, webhook_targets.check_addresses(addresses, allow_loopback)


def client_tls(ca_file: str | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file:
        ctx.load_verify_locations(ca_file)
    return ctx


async def deliver(url: str, secret: str, msg_id: str, body: bytes, *, allow_loopback: bool,
                  tls: ssl.SSLContext, timeout_s: float) -> int:
    """POST the body, signed now; the status code of a 2xx answer, else DeliveryFailed."""
    try:
        _, _, address = await resolve_checked(url, allow_loopback)
    except webhook_targets.RefusedTarget as exc:
        raise DeliveryFailed(f"refused: {exc}") from None
    headers = {"Content-Type": "application/json", "User-Agent": "housing-match-webhooks/1",
               **webhook_signing.signed_headers(secret, msg_id, int(time.time()), body)}
    connector = aiohttp.TCPConnector(resolver=_Pinned(address), ssl=tls, use_dns_cache=False)
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout_s)) as s:
            async with s.post(url, data=body, headers=headers, allow_redirects=False) as answer:
                await answer.read()
                if 200 <= answer.status < 300:
                    return answer.status
                raise DeliveryFailed(f"answered HTTP {answer.status}")
    except (aiohttp.ClientError, TimeoutError, ssl.SSLError, OSError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}") from None

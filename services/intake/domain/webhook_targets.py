"""Where a webhook may point (server-side request forgery): an HTTPS URL whose host resolves only to
public addresses. Checked at registration and again at every delivery, which then connects to the
address it checked (no second look-up that a DNS rebinding could answer differently).
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class RefusedTarget(ValueError):
    """The URL or an address it resolves to may not be called; the message is the reason (no value)."""


def parse(url: str) -> tuple[str, int]:
    """(host, port) of an acceptable webhook URL."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise RefusedTarget("not a valid URL") from None
    if parts.scheme != "https":
        raise RefusedTarget("must be an https:// URL")
    if not parts.hostname:
        raise RefusedTarget("must name a host")
    if parts.username or parts.password:
        raise RefusedTarget("must not carry a user name or password")
    if parts.fragment:
        raise RefusedTarget("must not have a #fragment")
    return parts.hostname, port


def refusal(address: str, allow_loopback: bool = False) -> str | None:
    """Why this resolved address may not be called, or None when it is a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if ip.is_loopback:
        return None if allow_loopback else "resolves to a loopback address"
    for what, flag in (("a private", ip.is_private), ("a link-local", ip.is_link_local),
                       ("a multicast", ip.is_multicast), ("a reserved", ip.is_reserved),
                       ("an unspecified", ip.is_unspecified)):
        if flag:
            return f"resolves to {what} address"
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges and the like
        return "resolves to a non-public address"
    return None


def check_addresses(addresses: list[str], allow_loopback: bool = False) -> str:
    """The address to connect to: the first one, once every address the name resolves to is allowed."""
    if not addresses:
        raise RefusedTarget("the host does not resolve")
    for address in addresses:
        reason = refusal(address, allow_loopback)
        if reason:
            raise RefusedTarget(reason)
    return addresses[0]

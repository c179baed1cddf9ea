"""Refuse URLs the fetcher must not request: other schemes, and hosts that resolve to internal addresses.

A fetcher that follows links and redirects from the open web can be steered at the machine it runs on, the
local network or a cloud metadata service (server-side request forgery). ``check_url`` is called before every
request and after every redirect hop.

Known limit: the name is resolved here and again by the HTTP client when it connects, so a DNS server that
answers differently the second time (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

SCHEMES = ("http", "https")

#: Cloud metadata endpoints (AWS, GCP, Azure, OpenStack; AWS's IPv6 one), refused even if they looked public.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})

#: Reasons starting with this mean the name did not resolve: a failure to fetch, not a policy refusal.
UNRESOLVED = "cannot resolve host"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None if it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):  # most specific first
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    if not address.is_global:  # what the names above miss, e.g. 100.64.0.0/10 (carrier-grade NAT)
        return "not a global address"
    return None


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); the zone is not part of the address.
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def check_url(url: str, allowed_hosts: Collection[str] = frozenset()) -> str | None:
    """A reason to refuse ``url``, or None if it may be fetched.

    Only http and https are allowed. The host is resolved and every address it resolves to must be public;
    hosts in ``allowed_hosts`` (compared lower-case, without port) skip the address check, which is how tests
    reach 127.0.0.1. A name that does not resolve yields a reason starting with ``UNRESOLVED``.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"malformed URL: {exc}"
    if parts.scheme.lower() not in SCHEMES:
        return f"scheme {parts.scheme or '(none)'!r} is not http or https"
    host = (parts.hostname or "").lower()
    if not host:
        return "URL has no host"
    if host in {h.lower() for h in allowed_hosts}:
        return None
    if port is None:
        port = 443 if parts.scheme.lower() == "https" else 80
    try:
        addresses = _resolve(host, port)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        return f"{UNRESOLVED} {host}: {exc}"
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            return f"host {host} resolves to {address}, {refusal}"
    return None

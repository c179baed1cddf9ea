"""Refuse URLs the fetcher must not request: other schemes, and hosts that resolve to internal addresses.

A fetcher that follows links and redirects from the open web can be steered at the machine it runs on, the
local network or a cloud metadata service (server-side request forgery). ``vet_url`` is called before every
request and after every redirect hop; it returns the addresses it checked, and the fetcher connects to those
and no others (``bilat.fetch.http.PinnedBackend``), so a DNS server that answers differently the second time
(DNS rebinding) cannot switch the connection to an internal address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")

#: Cloud metadata endpoints (AWS, GCP, Azure, OpenStack; AWS's IPv6 one), refused even if they looked public.
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})

#: Reasons starting with these mean the URL could not be fetched at all: a failure, not a policy refusal.
UNRESOLVED = "cannot resolve host"
MALFORMED = "malformed URL"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IPAddress]]


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


def system_resolver(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); the zone is not part of the address.
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


@dataclass(frozen=True)
class Vetted:
    """What ``vet_url`` found: a refusal, or the host, port and the addresses that may be connected to.

    ``addresses`` is None when the host needs no pinning: an IP literal (it is its own address) or a host the
    source allows, which is connected to however it resolves."""

    refusal: str | None
    host: str = ""
    port: int = 0
    addresses: tuple[str, ...] | None = None


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, lower-cased, the port defaulted; ValueError if malformed."""
    parts = urlsplit(url)
    scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    return scheme, host, port if port is not None else (443 if scheme == "https" else 80)


def vet_url(url: str, allowed_hosts: Collection[str] = frozenset(), resolver: Resolver = system_resolver) -> Vetted:
    """Whether ``url`` may be fetched, and where to connect if so.

    Only http and https are allowed. The host is resolved and every address it resolves to must be public;
    hosts in ``allowed_hosts`` (compared lower-case, without port) skip the address check, which is how tests
    reach 127.0.0.1. A name that does not resolve yields a reason starting with ``UNRESOLVED``, a URL that
    cannot be parsed one starting with ``MALFORMED``.
    """
    try:
        scheme, host, port = split_url(url)
    except ValueError as exc:
        return Vetted(f"{MALFORMED}: {exc}")
    if scheme not in SCHEMES:
        return Vetted(f"scheme {scheme or '(none)'!r} is not http or https")
    if not host:
        return Vetted("URL has no host")
    if host in {h.lower() for h in allowed_hosts}:
        return Vetted(None, host, port)
    try:
        addresses = [ipaddress.ip_address(host)] if is_ip_literal(host) else resolver(host, port)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        return Vetted(f"{UNRESOLVED} {host}: {exc}")
    if not addresses:
        return Vetted(f"{UNRESOLVED} {host}: no addresses")
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            return Vetted(f"host {host} resolves to {address}, {refusal}")
    return Vetted(None, host, port, None if is_ip_literal(host) else tuple(str(a) for a in addresses))


def check_url(url: str, allowed_hosts: Collection[str] = frozenset(), resolver: Resolver = system_resolver) -> str | None:
    """A reason to refuse ``url``, or None if it may be fetched (see ``vet_url``)."""
    return vet_url(url, allowed_hosts, resolver).refusal

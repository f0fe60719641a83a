"""Which URLs the portal's browser may fetch when it captures an ad (plain Python).

The portal opens a URL a user typed, from inside its own network: without a guard that is a
server-side request forgery (a capture of ``http://169.254.169.254/`` or of an admin page on
loopback, filed as evidence for the user to read). Only ``http`` and ``https`` URLs whose host
resolves to public addresses only are fetched; every request the page makes (redirects,
images, scripts, frames) goes through the same check (``portal.capture.browser``).

``allowed`` lists ``host:port`` pairs fetched whatever their address: tests serve their pages
from loopback and say so (``CAPTURE_ALLOWED_HOSTS``); production leaves it empty.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2000

Resolver = Callable[[str, int], list[str]]


class CaptureRefused(Exception):
    """The URL may not be fetched; the message says why, in the user's terms."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise CaptureRefused(f"the address {host} could not be found") from error
    return sorted({info[4][0] for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:  # ::ffff:127.0.0.1 is loopback too
        ip = mapped
    return ip.is_global and not ip.is_multicast


def host_and_port(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or CaptureRefused."""
    if len(url) > MAX_URL_LENGTH:
        raise CaptureRefused(f"the address is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise CaptureRefused("this is not a web address") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme}: addresses" if scheme else "an address without http:// or https://"
        raise CaptureRefused(f"only http:// and https:// addresses are captured, not {shown}")
    if not parts.hostname:
        raise CaptureRefused("the address has no host name")
    if parts.username or parts.password:
        raise CaptureRefused("an address with a user name or password is not captured")
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def check_url(url: str, allowed: Iterable[str] = (), resolver: Resolver = resolve) -> str:
    """``url`` if the portal may fetch it, else CaptureRefused saying why."""
    _scheme, host, port = host_and_port(url)
    if f"{host}:{port}" in set(allowed):
        return url
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    addresses = [str(literal)] if literal is not None else resolver(host, port)
    private = [address for address in addresses if not is_public(address)]
    if not addresses or private:
        shown = ", ".join(private or addresses)
        raise CaptureRefused(
            f"{host} is a private, loopback or reserved address ({shown}): only public web "
            "pages are captured"
        )
    return url

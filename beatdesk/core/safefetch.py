"""Fetching a URL that came from the public or a network (link previews, media).

Refuses anything that is not http(s) on a public address: loopback, private, link-local
(including cloud metadata at 169.254.169.254), multicast, reserved and unspecified addresses,
whatever the host name resolves to. The connection goes to the address that was checked (the
Host header and TLS name stay the original host), so DNS cannot switch to an internal address
between the check and the request. Redirects are followed by hand, each one checked again; the
body is read up to ``max_bytes`` and the whole fetch stops after ``timeout`` seconds.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
USER_AGENT = "Beatdesk link fetcher"


class FetchRefused(Exception):
    """The URL, an address it resolves to, a redirect, the size or the time is not allowed."""


@dataclass
class Fetched:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def address_allowed(address: str) -> bool:
    """True only for globally routable unicast addresses."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    ):
        return False
    # is_global also excludes shared (carrier NAT) and documentation ranges.
    return ip.is_global


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"The host {host!r} could not be found.") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def _checked_target(url: str) -> tuple[str, str, int, str, str]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchRefused(f"Only http and https links are fetched, not {parts.scheme or 'none'}.")
    if parts.username or parts.password:
        raise FetchRefused("Links with a user name or password in them are not fetched.")
    host = parts.hostname
    if not host:
        raise FetchRefused("The link has no host.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise FetchRefused(f"The host {host!r} has no address.")
    for address in addresses:
        if not address_allowed(address):
            raise FetchRefused(
                f"The host {host!r} points to a private or local address, which is not fetched."
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, host, port, addresses[0], path


def fetch(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET ``url`` safely; raises FetchRefused for anything outside the rules above."""
    deadline = time.monotonic() + timeout
    redirects: list[str] = []
    current = url
    while True:
        scheme, host, port, address, path = _checked_target(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused("The fetch took too long.")
        pool_kwargs = {
            "host": address,
            "port": port,
            "timeout": urllib3.Timeout(connect=min(remaining, 5.0), read=remaining),
            "retries": False,
            "maxsize": 1,
        }
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                server_hostname=host, assert_hostname=host, **pool_kwargs
            )
        else:
            pool = urllib3.HTTPConnectionPool(**pool_kwargs)
        host_header = host if port in (80, 443) else f"{host}:{port}"
        try:
            response = pool.urlopen(
                "GET",
                path,
                headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "*/*"},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchRefused(f"The fetch failed: {type(exc).__name__}.") from exc
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchRefused("A redirect had no target.")
                if len(redirects) >= max_redirects:
                    raise FetchRefused("Too many redirects.")
                current = urljoin(current, location)
                redirects.append(current)
                continue
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchRefused(f"The response is larger than {max_bytes} bytes.")
            chunks, size = [], 0
            for chunk in response.stream(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchRefused(f"The response is larger than {max_bytes} bytes.")
                if time.monotonic() > deadline:
                    raise FetchRefused("The fetch took too long.")
                chunks.append(chunk)
            return Fetched(
                url=current,
                status=response.status,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=b"".join(chunks),
                redirects=redirects,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchRefused(f"The fetch failed: {type(exc).__name__}.") from exc
        finally:
            response.release_conn()
            pool.close()

"""Fetching article URLs without letting article lists reach internal services (SSRF guard).

A URL given to `ingest` may come from an untrusted list, so by default presslens refuses every
scheme but http(s) and every address that is private, loopback, link-local (cloud metadata at
169.254.169.254), multicast, reserved or unspecified. The check runs on *every* IP the host name
resolves to, on every redirect hop, and the connection is then made to the checked IP itself, so
a DNS answer that changes between check and connect (rebinding) cannot slip through.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from corpus.errors import Invalid

MAX_REDIRECTS = 5
TIMEOUT_S = 20
USER_AGENT = "presslens/0.1 (+https://github.com/presslens)"


class FetchError(Invalid):
    """A URL that cannot or must not be fetched; the message says why."""


@dataclass
class Fetched:
    url: str  # final URL after redirects
    body: bytes
    content_type: str


def check_ip(ip: str, allow_private: bool) -> None:
    """Raise FetchError when `ip` is not a public unicast address (unless allow_private)."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if allow_private:
        return
    if not addr.is_global or addr.is_multicast or addr.is_reserved or addr.is_unspecified:
        raise FetchError(f"refused: {ip} is a private, loopback or link-local address (use --allow-private)")


def resolve(host: str, port: int, allow_private: bool) -> str:
    """Resolve `host` and check every address; return the first one to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from None
    ips = list(dict.fromkeys(info[4][0] for info in infos))
    for ip in ips:
        check_ip(ip, allow_private)
    return ips[0]


def _connection(scheme: str, host: str, port: int, ip: str) -> http.client.HTTPConnection:
    """A connection to the already-checked `ip`, keeping `host` for the Host header, SNI and TLS."""
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=TIMEOUT_S, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
    conn._create_connection = lambda address, *args, **kw: socket.create_connection((ip, port), *args, **kw)  # noqa: SLF001
    return conn


def _split(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs are fetched, not {parts.scheme or 'a bare path'}:")
    if not parts.hostname:
        raise FetchError("URL without a host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("invalid port in URL") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def fetch(url: str, allow_private: bool = False, max_bytes: int = 20_000_000) -> Fetched:
    """GET `url`, following up to MAX_REDIRECTS redirects, each hop checked by the SSRF guard."""
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = _split(url)
        conn = _connection(scheme, host, port, resolve(host, port, allow_private))
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain,*/*"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status >= 400:
                raise FetchError(f"HTTP {response.status} {response.reason}")
            body = response.read(max_bytes + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from None
        finally:
            conn.close()
        if len(body) > max_bytes:
            raise FetchError(f"response larger than the {max_bytes // 1_000_000} MB limit")
        return Fetched(url, body, response.getheader("Content-Type") or "")
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")

"""SSRF: article URLs from untrusted lists must never reach local files or internal services."""
from __future__ import annotations

import http.server
import threading

import pytest

from corpus import fetch as fetchmod

INTERNAL_URLS = [
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    "ftp://example.org/x",
    "gopher://127.0.0.1:70/x",
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",          # 127.0.0.1 as one decimal number
    "http://0x7f000001/",          # ... and in hex
    "http://localhost:8000/admin",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://100.64.0.1/",          # carrier-grade NAT
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://224.0.0.1/",
    "http:///etc/passwd",
    "/etc/passwd",
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_fetch_refuses_local_files_and_internal_addresses(url):
    with pytest.raises(fetchmod.FetchError):
        fetchmod.fetch(url)


class _Handler(http.server.BaseHTTPRequestHandler):
    """A 'public' news site whose pages redirect to internal addresses."""
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        type(self).hits.append(self.path)
        targets = {
            "/to-metadata": "http://169.254.169.254/latest/meta-data/iam",
            "/to-loopback": f"http://127.0.0.1:{self.server.server_address[1]}/secret",
            "/to-file": "file:///etc/passwd",
            "/to-private": "http://10.1.2.3/internal",
        }
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.end_headers()
            return
        body = b"<html><body><p>secret internal page</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def public_site(monkeypatch):
    """A local server reachable as http://news.example:PORT — only that name passes the guard.

    DNS is the one thing substituted (the test machine has no public site); the guard on the
    redirect hops is the real code.
    """
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    real_resolve = fetchmod.resolve

    def resolve(host, port, allow_private):
        if host == "news.example":
            return "127.0.0.1"
        return real_resolve(host, port, allow_private)

    monkeypatch.setattr(fetchmod, "resolve", resolve)
    _Handler.hits = []
    yield f"http://news.example:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_public_page_is_fetched_through_the_fake_dns(public_site):
    page = fetchmod.fetch(public_site + "/article")
    assert b"secret internal page" in page.body  # the fixture works: the refusals below are real


@pytest.mark.parametrize("path", ["/to-metadata", "/to-loopback", "/to-file", "/to-private"])
def test_redirect_to_an_internal_address_is_refused(public_site, path):
    with pytest.raises(fetchmod.FetchError, match="refused"):
        fetchmod.fetch(public_site + path)
    assert _Handler.hits == [path], "the internal target must never be requested"


def test_allow_private_is_an_explicit_opt_in(public_site):
    port = public_site.rsplit(":", 1)[1]
    page = fetchmod.fetch(f"http://127.0.0.1:{port}/page", allow_private=True)
    assert b"secret internal page" in page.body

"""URL ingest behind the SSRF guard, against a real http.server on 127.0.0.1 (no outside network)."""
from __future__ import annotations

import http.server
import socket
import threading

import pytest

from corpus import fetch as fetchmod
from corpus import store
from corpus.ingest import ingest

PAGE = ("<html><head><title>Briefcam dans la police</title></head><body><article>"
        "<h1>Briefcam dans la police</h1><p>La police nationale utilise depuis 2015 un logiciel de "
        "vidéosurveillance algorithmique sans l’avoir déclaré, selon des documents internes.</p>"
        "<p>Le ministère n’a pas répondu à nos nombreuses questions sur ce logiciel.</p></article></body></html>")


class Handler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        type(self).requests.append(self.path)
        redirects = {"/to-metadata": "http://169.254.169.254/latest/meta-data/",
                     "/to-loopback": "http://127.0.0.1:9/private", "/to-file": "file:///etc/passwd",
                     "/hop": "/article"}
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        body = PAGE.encode() if self.path == "/article" else b"Une phrase. Une autre phrase."
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8" if self.path == "/article" else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Handler.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_local_url_is_refused_without_allow_private_and_never_requested(db, server):
    report = ingest(db, [server + "/article"])
    assert "refused" in str(report.errors[0]) and str(report.errors[0]).startswith(server)
    assert Handler.requests == [] and store.stats(db)["articles"] == 0


def test_local_url_is_ingested_with_allow_private(db, server):
    report = ingest(db, [server + "/hop"], allow_private=True)
    assert not report.errors
    article = store.get_article(db, report.added[0])
    assert article["url"] == server + "/article" and article["title"] == "Briefcam dans la police"
    assert "logiciel de vidéosurveillance" in article["text"] and article["outlet"] == "127.0.0.1"


def test_plain_text_url_is_stored_as_is(db, server):
    report = ingest(db, [server + "/plain.txt"], allow_private=True)
    assert store.get_article(db, report.added[0])["text"] == "Une phrase. Une autre phrase."


@pytest.mark.parametrize("path", ["/to-metadata", "/to-loopback", "/to-file"])
def test_redirects_to_internal_targets_are_refused_even_from_an_allowed_host(db, server, path, monkeypatch):
    # The test site must look public for its redirect to be the thing refused: only the name
    # "news.test" resolves (to the local server); the guard on each hop is the real code.
    real = fetchmod.resolve
    monkeypatch.setattr(fetchmod, "resolve",
                        lambda host, port, allow: "127.0.0.1" if host == "news.test" else real(host, port, allow))
    port = server.rsplit(":", 1)[1]
    report = ingest(db, [f"http://news.test:{port}{path}"])
    assert len(report.errors) == 1 and "refused" in report.errors[0].message
    assert Handler.requests == [path] and store.stats(db)["articles"] == 0


def test_every_resolved_address_is_checked(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetchmod.socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(fetchmod.FetchError, match="127.0.0.1"):
        fetchmod.resolve("mixed.example", 80, allow_private=False)
    assert fetchmod.resolve("mixed.example", 80, allow_private=True) == "93.184.216.34"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "http://169.254.169.254/",
                                 "http://[::1]/", "http://10.0.0.8/", "http://0x7f000001/"])
def test_non_http_schemes_and_internal_addresses_are_refused(url):
    with pytest.raises(fetchmod.FetchError, match="refused"):
        fetchmod.fetch(url)

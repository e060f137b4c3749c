"""HTTP client of bench/load_annotate.py: one browser-like session per annotator (keep-alive
connection, cookies, CSRF token), and the shared timing/error counters.

A helper module (leading underscore): `bench/run_all.py` does not run it on its own.
"""
from __future__ import annotations

import http.client
import http.cookies
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

HOST = "127.0.0.1"
PASSWORD = "load-test-password-1"
CSRF_FIELD = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


class RequestFailed(Exception):
    """No HTTP answer (timeout, reset): the outcome of the request is unknown."""


@dataclass
class Stats:
    """Shared by all sessions (list.append and dict updates under a lock)."""
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # first answer seen for each error kind
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timing(self, op: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(op, []).append(seconds)

    def error(self, kind: str, example: object = None) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if example is not None:
                self.examples.setdefault(kind, str(example)[:300])


class Client:
    """One browser-like session: a keep-alive connection and its cookies."""

    def __init__(self, port: int, stats: Stats, timeout: float = 30) -> None:
        self.port, self.stats, self.timeout = port, stats, timeout
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def request(self, op: str, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.stats.error(f"{op}: {type(exc).__name__}")
            raise RequestFailed(str(exc)) from None
        self.stats.timing(op, time.perf_counter() - start)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def login(self, username: str) -> None:
        status, page = self.request("login_page", "GET", "/login")
        match = CSRF_FIELD.search(page.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}, csrf token {'found' if match else 'missing'}")
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": match.group(1)})
        status, _ = self.request("login", "POST", "/login", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status not in (302, 303):
            raise RuntimeError(f"login as {username}: HTTP {status}")
        status, me = self.request("me", "GET", "/api/me")
        if status != 200:
            raise RuntimeError(f"/api/me: HTTP {status}")
        self.csrf = json.loads(me)["csrf_token"]

    def api(self, op: str, method: str, path: str, payload: dict | None = None) -> tuple[int, dict]:
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"X-CSRFToken": self.csrf, "Content-Type": "application/json", "Accept": "application/json"}
        status, data = self.request(op, method, path, body, headers)
        try:
            return status, json.loads(data or b"{}")
        except ValueError:
            return status, {"raw": data[:200].decode("utf-8", "replace")}

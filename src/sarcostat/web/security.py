"""The rules every request to ``sarcostat serve`` passes, before any page runs.

1. The Host header must name this server (a loopback name and the port, or
   the address given with ``--host``): a web page elsewhere cannot reach the
   app by pointing its own domain name at 127.0.0.1 (DNS rebinding).
2. Every request carries the access token printed at start: in the URL once
   (``?token=...``, then kept in an HttpOnly, SameSite=Strict cookie), or in
   an ``Authorization: Bearer`` / ``X-Sarcostat-Token`` header for scripts.
3. A state-changing request (anything but GET/HEAD/OPTIONS) from another
   origin is refused, and the request must carry the CSRF token
   (form field ``csrf_token`` or header ``X-CSRF-Token``), checked by
   `check_csrf` in every such route.
4. A request body larger than ``--max-upload-mb`` is refused with 413, by its
   Content-Length and, while it is read, by counting its bytes.
5. Every response forbids loading anything from elsewhere
   (Content-Security-Policy) and caching (the pages show patient data).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

#: Pages: scripts and styles from this server only; nothing from anywhere else.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; "
    "base-uri 'none'"
)
#: Reports written by sarcostat (inline styles, embedded figures), shown
#: sandboxed: no script runs in them even if a cell held one.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
)
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def csrf_for(token: str) -> str:
    """The CSRF token of a server: derived from its access token, never sent in a cookie."""
    return hmac.new(token.encode(), b"sarcostat-csrf", hashlib.sha256).hexdigest()


def same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def check_csrf(request, form=None) -> None:
    """Raise 403 unless the request carries this server's CSRF token."""
    expected = request.app.state.csrf
    supplied = request.headers.get("x-csrf-token")
    if supplied is None and form is not None:
        value = form.get("csrf_token")
        supplied = value if isinstance(value, str) else None
    if not same(supplied, expected):
        raise HTTPException(
            403,
            "This request was refused because it lacks the page's security code (CSRF token). "
            "Reload the page and try again.",
        )


class Guard:
    """ASGI middleware applying rules 1, 2, 3 (origin), 4 and 5 above."""

    def __init__(self, app, *, token, allowed_hosts, max_body, cookie_name):
        self.app = app
        self.token = token
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.max_body = max_body
        self.cookie_name = cookie_name

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host = headers.get("host", "").lower()
        if host not in self.allowed_hosts:
            return await _refuse(
                send,
                403,
                "Refused: this server answers only to its own address "
                "(the Host header names another site).",
            )
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        supplied = query.get("token")
        via_query = supplied is not None
        if supplied is None:
            auth = headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                supplied = auth[7:].strip()
        if supplied is None:
            supplied = headers.get("x-sarcostat-token")
        if supplied is None:
            supplied = _cookie(headers.get("cookie", ""), self.cookie_name)
        if not same(supplied, self.token):
            return await _refuse(
                send,
                403,
                "Refused: open the address that 'sarcostat serve' printed when it started; "
                "it holds the access token.",
            )
        method = scope["method"]
        if method not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin.lower() not in (f"http://{host}", f"https://{host}"):
                return await _refuse(send, 403, "Refused: the request came from another site.")
            if headers.get("sec-fetch-site", "same-origin") == "cross-site":
                return await _refuse(send, 403, "Refused: the request came from another site.")
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                # Read (and drop) the body first: a client still sending would
                # otherwise see a reset connection instead of the answer.
                await _drain(receive)
                return await _refuse(send, 413, self.too_large())
            receive = self._counting(receive)
        cookie = None
        if via_query:
            cookie = (
                f"{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict"
            ).encode()
            if method in ("GET", "HEAD") and "text/html" in headers.get("accept", ""):
                # Take the token out of the address bar (and the history).
                rest = {k: v for k, v in query.items() if k != "token"}
                target = scope.get("path", "/") + (f"?{urlencode(rest)}" if rest else "")
                return await _redirect(send, target, cookie)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _HEADERS if k not in have]
                if b"content-security-policy" not in have:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                if cookie is not None:
                    extra.append((b"set-cookie", cookie))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)

    def too_large(self) -> str:
        mb = self.max_body / 1e6
        return (
            f"Refused: the upload is larger than the limit of {mb:g} MB "
            "(start sarcostat serve with a larger --max-upload-mb to allow it)."
        )

    def _counting(self, receive):
        seen = 0
        limit = self.max_body
        message_text = self.too_large()

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    if message.get("more_body"):
                        await _drain(receive)
                    raise HTTPException(413, message_text)
            return message

        return counted


async def _drain(receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return None


def _base_headers(ctype: bytes) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", ctype),
        *_HEADERS,
        (b"content-security-policy", PAGE_CSP.encode()),
    ]


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *_base_headers(b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, target: str, cookie: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                *_base_headers(b"text/plain; charset=utf-8"),
                (b"location", target.encode()),
                (b"set-cookie", cookie),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})

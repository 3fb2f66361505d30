"""A fake WeCom group robot and DingTalk custom robot on loopback, for the outbox's tests and journeys.

It answers the robots' real paths (/cgi-bin/webhook/send?key=..., /robot/send?access_token=...) the way
the real ones do (HTTP 200, {"errcode": 0, "errmsg": "ok"}), and checks what the real ones check:
- the payload's shape: msgtype "markdown" with WeCom's `content` (at most 4096 bytes) or DingTalk's
  `title` and `text`; anything else is refused and kept in `rejected`;
- the key or access token (WeCom 93000, DingTalk 300001);
- DingTalk's "加签": `timestamp` within an hour and `sign` the base64 HMAC-SHA256 of
  "timestamp\\nsecret" under the secret (310000).
A test sets `answer` to RATE_LIMIT or BAD_KEY to have every post refused with the documented code, or
`delay` to make it slow; `stop()` and `start()` take it down and bring it back on the same port.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK, RATE_LIMIT, BAD_KEY = "ok", "rate_limit", "bad_key"
WECOM_CODES = {RATE_LIMIT: (45009, "api freq out of limit"), BAD_KEY: (93000, "invalid webhook url")}
DINGTALK_CODES = {
    RATE_LIMIT: (130101, "send too fast, exceed 20 times per minute"),
    BAD_KEY: (310000, "sign not match"),
}


@dataclass
class Received:
    channel: str  # "wecom" or "dingtalk"
    payload: dict
    query: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        markdown = self.payload["markdown"]
        return markdown.get("content") or markdown.get("text", "")


class FakeRobotServer:
    def __init__(
        self,
        *,
        wecom_key: str = "fake-wecom-key-0001",
        dingtalk_token: str = "fake-dingtalk-token-0001",  # noqa: S107 - made up
        dingtalk_secret: str = "SECfake0000dingtalk0000secret",  # noqa: S107 - made up
    ):
        self.wecom_key = wecom_key
        self.dingtalk_token = dingtalk_token
        self.dingtalk_secret = dingtalk_secret
        self.answer = OK
        self.delay = 0.0
        self.received: list[Received] = []
        self.rejected: list[str] = []
        self.attempts = 0
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    # --- running -------------------------------------------------------------------------------------

    def start(self) -> FakeRobotServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                fake._handle(self)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]  # kept: a restart listens on the same port
        threading.Thread(target=self._server.serve_forever, name="fake-robot", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def wecom_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={self.wecom_key}"

    @property
    def dingtalk_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send?access_token={self.dingtalk_token}"

    def messages(self, channel: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.channel == channel]

    # --- answering -----------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        parts = urllib.parse.urlsplit(request.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
        length = int(request.headers.get("Content-Length") or 0)
        try:
            payload = json.loads(request.rfile.read(length) or b"null")
        except json.JSONDecodeError:
            payload = None
        with self._lock:
            self.attempts += 1
        if parts.path == "/cgi-bin/webhook/send":
            code, message = self._wecom(query, payload)
            channel = "wecom"
        elif parts.path == "/robot/send":
            code, message = self._dingtalk(query, payload)
            channel = "dingtalk"
        else:
            request.send_response(404)
            request.end_headers()
            return
        if code == 0:
            with self._lock:
                self.received.append(Received(channel=channel, payload=payload, query=query))
        body = json.dumps({"errcode": code, "errmsg": message}).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _reject(self, why: str, code: int) -> tuple[int, str]:
        with self._lock:
            self.rejected.append(why)
        return code, why

    def _wecom(self, query: dict, payload) -> tuple[int, str]:
        if query.get("key") != self.wecom_key:
            return self._reject("wecom: unknown key", 93000)
        if self.answer != OK:
            return WECOM_CODES[self.answer]
        markdown = payload.get("markdown") if isinstance(payload, dict) else None
        if (
            not isinstance(payload, dict)
            or set(payload) != {"msgtype", "markdown"}
            or payload["msgtype"] != "markdown"
            or not isinstance(markdown, dict)
            or set(markdown) != {"content"}
            or not isinstance(markdown["content"], str)
            or not markdown["content"].strip()
            or len(markdown["content"].encode()) > 4096
        ):
            return self._reject(f"wecom: bad payload {payload!r}", 40008)
        return 0, "ok"

    def _dingtalk(self, query: dict, payload) -> tuple[int, str]:
        if query.get("access_token") != self.dingtalk_token:
            return self._reject("dingtalk: unknown access token", 300001)
        try:
            timestamp = int(query.get("timestamp", ""))
        except ValueError:
            return self._reject("dingtalk: no timestamp", 310000)
        if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
            return self._reject("dingtalk: timestamp too far from now", 310000)
        expected = base64.b64encode(
            hmac.new(
                self.dingtalk_secret.encode(), f"{timestamp}\n{self.dingtalk_secret}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        if not hmac.compare_digest(query.get("sign", ""), expected):
            return self._reject("dingtalk: sign not match", 310000)
        if self.answer != OK:
            return DINGTALK_CODES[self.answer]
        markdown = payload.get("markdown") if isinstance(payload, dict) else None
        if (
            not isinstance(payload, dict)
            or set(payload) != {"msgtype", "markdown"}
            or payload["msgtype"] != "markdown"
            or not isinstance(markdown, dict)
            or set(markdown) != {"title", "text"}
            or not all(isinstance(markdown[k], str) and markdown[k].strip() for k in ("title", "text"))
        ):
            return self._reject(f"dingtalk: bad payload {payload!r}", 40035)
        return 0, "ok"

"""A customer's receiver on loopback, as a customer's developer would write one: it checks the signature
independently of our code (hmac over id.timestamp.body, Standard Webhooks), and can be stopped, started
again on the same port, made slow or made to answer an error."""

import base64
import hashlib
import hmac
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Receiver:
    def __init__(self):
        self.secret = ""
        self.received: list[dict] = []
        self.delay = 0.0
        self.answer = 204
        self.port = 0
        self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.delay:
                    time.sleep(receiver.delay)
                msg_id = self.headers.get("webhook-id", "")
                timestamp = self.headers.get("webhook-timestamp", "")
                given = self.headers.get("webhook-signature", "").split()
                valid = bool(receiver.secret) and expected_signature(receiver.secret, msg_id, timestamp, body) in given
                receiver.received.append(
                    {
                        "id": msg_id,
                        "timestamp": timestamp,
                        "valid": valid,
                        "body": body.decode(),
                        "answer": receiver.answer,
                    }
                )
                self.send_response(receiver.answer if valid else 400)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def taken(self) -> list[dict]:
        """What the receiver accepted: valid signature, answered 2xx."""
        return [r for r in self.received if r["valid"] and 200 <= r["answer"] < 300]

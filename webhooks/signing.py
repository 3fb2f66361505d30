"""Signing as in the Standard Webhooks specification (standardwebhooks.com), so receivers can use its
libraries: the secret is "whsec_" + base64 of random bytes; each request carries `webhook-id`,
`webhook-timestamp` (Unix seconds) and `webhook-signature`, "v1," + base64(HMAC-SHA256(key, id.timestamp.body)),
space-separated when two secrets are valid (during a rotation)."""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 24


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(*, secret: str, msg_id: str, timestamp: int, body: str) -> str:
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(*, secrets_: list[str], msg_id: str, timestamp: int, body: str) -> str:
    return " ".join(signature(secret=s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_)


def verify(*, secret: str, msg_id: str, timestamp: str, body: str, header: str) -> bool:
    """What a receiver does (docs/webhooks.md shows the same in a few lines of Python)."""
    try:
        expected = signature(secret=secret, msg_id=msg_id, timestamp=int(timestamp), body=body)
    except (ValueError, TypeError):
        return False
    return any(hmac.compare_digest(expected, given) for given in header.split())

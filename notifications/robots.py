"""The two chat robots' HTTP interface: one POST of a markdown message to a group's webhook.

WeCom (企业微信) group robot: POST JSON {"msgtype": "markdown", "markdown": {"content": ...}} to
https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; content at most 4096 bytes. It answers HTTP 200
with {"errcode": 0, "errmsg": "ok"}; 45009 means the robot's rate limit (20 messages a minute), 93000 an
invalid webhook key.

DingTalk (钉钉) custom robot: POST JSON {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}} to
https://oapi.dingtalk.com/robot/send?access_token=TOKEN, with the "加签" security setting adding
`timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(key=secret, timestamp + "\n" + secret))) as
query parameters (the timestamp must be within an hour of DingTalk's clock). It answers {"errcode": 0};
130101 means sending too fast (20 a minute; beyond it the robot is throttled for 10 minutes), 310000 a
signature, keyword or IP check that failed, 300001 an access token that does not exist.

The sources are cited in docs/notifications.md. This module knows no models: the outbox calls it.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings

WECOM = "wecom"
DINGTALK = "dingtalk"
ROBOT_CHANNELS = (WECOM, DINGTALK)

WECOM_MAX_BYTES = 4096
RATE_LIMIT_CODES = {WECOM: {45009}, DINGTALK: {130101}}
BAD_KEY_CODES = {WECOM: {93000}, DINGTALK: {300001, 310000}}
# How long a robot that answered "too fast" is left alone: WeCom counts per minute, DingTalk throttles a
# robot for ten minutes once it exceeds its limit.
RATE_LIMIT_PAUSE = {WECOM: timedelta(minutes=1), DINGTALK: timedelta(minutes=10)}


class RobotError(Exception):
    """The robot did not take the message. `rate_limited`: try again after a pause; `bad_key`: the webhook
    address or secret is wrong, which only an admin can fix."""

    def __init__(self, message: str, *, rate_limited: bool = False, bad_key: bool = False):
        super().__init__(message)
        self.rate_limited = rate_limited
        self.bad_key = bad_key


@dataclass(frozen=True)
class RobotMessage:
    title: str  # DingTalk shows it in the chat list; WeCom has no title of its own
    text: str  # markdown


def dingtalk_sign(*, secret: str, timestamp_ms: int) -> str:
    """The `sign` query parameter of DingTalk's "加签", before URL encoding."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def robot_payload(*, channel: str, message: RobotMessage) -> dict:
    if channel == WECOM:
        content = message.text.encode()[:WECOM_MAX_BYTES].decode(errors="ignore")
        return {"msgtype": "markdown", "markdown": {"content": content}}
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.text}}


def robot_url(*, channel: str, webhook_url: str, secret: str, now_ms: int | None = None) -> str:
    if channel != DINGTALK or not secret:
        return webhook_url
    timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
    sign = dingtalk_sign(secret=secret, timestamp_ms=timestamp)
    query = urllib.parse.urlencode({"timestamp": timestamp, "sign": sign})
    return f"{webhook_url}{'&' if '?' in webhook_url else '?'}{query}"


def robot_host_allowed(webhook_url: str) -> bool:
    """Only the robots' own hosts (and, in development and tests, loopback): an admin's typo or a hostile
    entry must not make the server post into the internal network."""
    parts = urllib.parse.urlsplit(webhook_url)
    allowed = {host.strip().lower() for host in settings.NOTIFICATIONS_ROBOT_HOSTS if host.strip()}
    return parts.scheme in ("https", "http") and (parts.hostname or "").lower() in allowed


def robot_post(*, channel: str, webhook_url: str, secret: str, message: RobotMessage) -> None:
    """Post one message. Returns when the robot took it; raises RobotError (or an httpx error) otherwise."""
    if not robot_host_allowed(webhook_url):
        raise RobotError("webhook host is not in NOTIFICATIONS_ROBOT_HOSTS", bad_key=True)
    response = httpx.post(
        robot_url(channel=channel, webhook_url=webhook_url, secret=secret),
        json=robot_payload(channel=channel, message=message),
        timeout=settings.NOTIFICATIONS_ROBOT_TIMEOUT,
        follow_redirects=False,
    )
    if response.status_code != 200:
        raise RobotError(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except json.JSONDecodeError as exc:
        raise RobotError("the answer is not JSON") from exc
    code = answer.get("errcode", -1) if isinstance(answer, dict) else -1
    if code == 0:
        return
    detail = f"errcode {code}: {answer.get('errmsg', '') if isinstance(answer, dict) else ''}"
    raise RobotError(detail, rate_limited=code in RATE_LIMIT_CODES[channel], bad_key=code in BAD_KEY_CODES[channel])

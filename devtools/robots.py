"""A development-only stand-in for the WeCom and DingTalk robots, so `make run` shows the chat channel at
work without a real group: it takes posts on the robots' own paths (/dev/robots/cgi-bin/webhook/send and
/dev/robots/robot/send), answers {"errcode": 0} like they do, keeps each message in var/dev_robots.jsonl
(shared by the web and worker processes) and lists them at /dev/robots/. Mounted only when DEBUG is on.
The tests use their own fake, which also checks signatures and answers error codes
(tests/fakes/robot_server.py)."""

import json
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

SHOWN = 50


def _log() -> Path:
    return Path(settings.VAR_DIR) / "dev_robots.jsonl"


def _record(request, channel: str):
    try:
        payload = json.loads(request.body or b"null")
    except json.JSONDecodeError:
        return JsonResponse({"errcode": 40008, "errmsg": "invalid json"})
    markdown = payload.get("markdown") if isinstance(payload, dict) else None
    if not isinstance(markdown, dict) or payload.get("msgtype") != "markdown":
        return JsonResponse({"errcode": 40008, "errmsg": "invalid message type"})
    entry = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "channel": channel,
        "robot": request.GET.get("key") or request.GET.get("access_token", ""),
        "title": markdown.get("title", ""),
        "text": markdown.get("content") or markdown.get("text", ""),
    }
    _log().parent.mkdir(parents=True, exist_ok=True)
    with _log().open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return JsonResponse({"errcode": 0, "errmsg": "ok"})


@csrf_exempt
@require_POST
def wecom_send(request):
    return _record(request, "wecom")


@csrf_exempt
@require_POST
def dingtalk_send(request):
    return _record(request, "dingtalk")


@require_GET
def received(request):
    entries = []
    if _log().exists():
        lines = _log().read_text(encoding="utf-8").splitlines()[-SHOWN:]
        entries = [json.loads(line) for line in reversed(lines) if line.strip()]
    return render(request, "devtools/robots.html", {"entries": entries})

"""WeCom and DingTalk group robots as channels (issue #21 item 2), against the fake robots on loopback
(tests/fakes/robot_server.py): the message is written with the notice, sent after commit exactly once even
when the robot is down for a while, backs off longer on a rate limit, and never holds up a request."""

import base64
import hashlib
import hmac
import time
import urllib.parse
from datetime import timedelta

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notifications.models import Notification, NotificationStatus, OutboxChannel, TeamRobot
from notifications.robots import dingtalk_sign, robot_url
from notifications.selectors import inbox_channels_offered
from notifications.services import (
    MAX_ATTEMPTS,
    inbox_preferences_save,
    notifications_send_due,
    notify,
    robots_rotate_key,
    team_robot_save,
)
from notifications.tasks import send_notification

from ..factories import make_order, staff
from ..fakes.robot_server import OK, RATE_LIMIT, FakeRobotServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    server = FakeRobotServer().start()
    yield server
    server.stop()


@pytest.fixture
def robots(team_a, fake, supervisor):
    team = team_a[0]
    wecom = team_robot_save(team_id=team.pk, channel="wecom", webhook_url=fake.wecom_url, secret="", actor=supervisor)
    ding = team_robot_save(
        team_id=team.pk,
        channel="dingtalk",
        webhook_url=fake.dingtalk_url,
        secret=fake.dingtalk_secret,
        actor=supervisor,
    )
    return {"wecom": wecom, "dingtalk": ding}


def _mention(user, order, *, key="k1"):
    with transaction.atomic():
        return notify(
            user=user,
            kind="order_mention",
            link=f"/orders/{order.pk}/",
            reference=f"order-mention:{order.pk}",
            template="order_mention",
            context={"order": order, "recipient": user, "actor": "Li Na", "text": "Look at this"},
            dedupe_key=key,
        )


def _choose(user, channel):
    inbox_preferences_save(user=user, choices={"order_mention": {channel}})


def _later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True)


# --- the wire format -------------------------------------------------------------------------------------
def test_the_dingtalk_signature_is_the_documented_one():
    # DingTalk's own recipe: quote_plus(base64(HMAC-SHA256(secret, f"{timestamp}\n{secret}"))).
    secret, timestamp = "SECthis-is-secret", 1700000000000
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert dingtalk_sign(secret=secret, timestamp_ms=timestamp) == expected
    url = robot_url(
        channel="dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=T",
        secret=secret,
        now_ms=timestamp,
    )
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign=")
    assert urllib.parse.quote_plus(expected) in url
    assert robot_url(channel="wecom", webhook_url="https://qyapi.weixin.qq.com/x?key=K", secret="") == (
        "https://qyapi.weixin.qq.com/x?key=K"
    )


# --- stored encrypted -------------------------------------------------------------------------------------
def test_the_webhook_and_secret_are_encrypted_at_rest_and_rotate_to_a_new_key(robots, fake, settings, supervisor):
    with connection.cursor() as cursor:
        cursor.execute("select webhook_url, secret from notifications_teamrobot where id = %s", [robots["dingtalk"].pk])
        raw_url, raw_secret = cursor.fetchone()
    assert fake.dingtalk_token not in raw_url and fake.dingtalk_secret not in raw_secret
    assert raw_url.startswith("gAAAAA")  # a Fernet token
    robot = TeamRobot.objects.get(pk=robots["dingtalk"].pk)
    assert robot.webhook_url == fake.dingtalk_url and robot.secret == fake.dingtalk_secret
    assert fake.dingtalk_token not in robot.webhook_hint and robot.webhook_hint.endswith(fake.dingtalk_token[-4:])

    # Rotation: the new key first, the old one still read; after the rotation the new key alone reads it.
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NOTIFICATIONS_ROBOT_KEYS = [old]
    assert TeamRobot.objects.get(pk=robot.pk).secret == ""  # another key: unreadable, never an error
    for channel, url, secret in (("wecom", fake.wecom_url, ""), ("dingtalk", fake.dingtalk_url, "SECnew")):
        team_robot_save(team_id=robot.team_id, channel=channel, webhook_url=url, secret=secret, actor=supervisor)
    settings.NOTIFICATIONS_ROBOT_KEYS = [new, old]
    assert robots_rotate_key() == 2
    settings.NOTIFICATIONS_ROBOT_KEYS = [new]
    assert TeamRobot.objects.get(pk=robot.pk).secret == "SECnew"
    assert TeamRobot.objects.get(pk=robots["wecom"].pk).webhook_url == fake.wecom_url


def test_a_webhook_on_another_host_is_refused(team_a, supervisor):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        team_robot_save(
            team_id=team_a[0].pk,
            channel="wecom",
            webhook_url="http://10.0.0.5/admin?key=x",
            secret="",
            actor=supervisor,
        )
    with pytest.raises(InvalidInput):  # DingTalk signs: no secret, no robot
        team_robot_save(
            team_id=team_a[0].pk,
            channel="dingtalk",
            webhook_url="http://127.0.0.1:9/robot/send?access_token=x",
            secret="",
            actor=supervisor,
        )
    assert not TeamRobot.objects.exists()


# --- delivery --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("channel", ["wecom", "dingtalk"])
def test_the_message_goes_once_after_commit_in_the_recipients_language(
    channel, robots, fake, merchandiser, django_capture_on_commit_callbacks
):
    merchandiser.preferred_language = "zh-hans"
    merchandiser.first_name, merchandiser.last_name = "娜", "李"
    merchandiser.save()
    _choose(merchandiser, channel)
    order = make_order(merchandiser=merchandiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _mention(merchandiser, order)
    row = Notification.objects.get(channel=channel)
    assert row.status == NotificationStatus.PENDING and row.robot_id == robots[channel].pk
    assert fake.attempts == 0  # nothing posted before the commit
    for callback in callbacks:
        callback()
    (got,) = fake.messages(channel)
    assert "提到了你" in got.text and "李娜" in got.text
    assert f"http://127.0.0.1:8000/orders/{order.pk}/" in got.text or f"/orders/{order.pk}/" in got.text
    assert not fake.rejected
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    send_notification(row.pk)
    notifications_send_due()
    assert len(fake.messages(channel)) == 1


def test_a_rolled_back_change_sends_nothing(robots, fake, merchandiser):
    _choose(merchandiser, "wecom")
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(RuntimeError), transaction.atomic():
        _mention(merchandiser, order)
        raise RuntimeError
    assert not Notification.objects.filter(channel="wecom").exists()


def test_no_robot_on_the_team_no_message(fake, merchandiser, team_a):
    _choose(merchandiser, "wecom")
    _mention(merchandiser, make_order(merchandiser=merchandiser))
    assert not Notification.objects.filter(channel="wecom").exists()


@pytest.mark.parametrize("channel", ["wecom", "dingtalk"])
def test_exactly_once_when_the_robot_goes_down_and_comes_back(
    channel, robots, fake, merchandiser, django_capture_on_commit_callbacks
):
    _choose(merchandiser, channel)
    order = make_order(merchandiser=merchandiser)
    fake.stop()
    with django_capture_on_commit_callbacks(execute=True):
        _mention(merchandiser, order, key="a")
        _mention(merchandiser, order, key="b")
    rows = Notification.objects.filter(channel=channel)
    assert all(r.status == NotificationStatus.PENDING and r.attempts == 1 and r.last_error for r in rows)
    assert notifications_send_due() == 0  # not due yet: the backoff holds
    fake.start()  # back, on the same port
    with _later(3):
        assert notifications_send_due() == 2
        assert notifications_send_due() == 0
        for row in rows:
            send_notification(row.pk)  # a late duplicate of the task changes nothing
    assert len(fake.messages(channel)) == 2
    assert sorted(r.status for r in rows.all()) == [NotificationStatus.SENT] * 2


@pytest.mark.parametrize(("channel", "pause"), [("wecom", 1), ("dingtalk", 10)])
def test_a_rate_limit_backs_off_longer_and_pauses_the_robot(
    channel, pause, robots, fake, merchandiser, django_capture_on_commit_callbacks
):
    _choose(merchandiser, channel)
    order = make_order(merchandiser=merchandiser)
    fake.answer = RATE_LIMIT
    with django_capture_on_commit_callbacks(execute=True):
        _mention(merchandiser, order, key="a")
    first = Notification.objects.get(channel=channel)
    assert first.status == NotificationStatus.PENDING and "rate limited" in first.last_error
    # Longer than an ordinary first failure (2 minutes), at least the robot's own pause.
    assert first.next_attempt_at - timezone.now() >= timedelta(minutes=max(2, pause)) - timedelta(seconds=5)
    robot = TeamRobot.objects.get(pk=robots[channel].pk)
    assert robot.paused_until is not None
    attempts = fake.attempts
    with django_capture_on_commit_callbacks(execute=True):  # another message for the paused robot: it waits
        _mention(merchandiser, order, key="b")
    second = Notification.objects.get(channel=channel, pk__gt=first.pk)
    assert fake.attempts == attempts and second.attempts == 0 and second.next_attempt_at == robot.paused_until
    fake.answer = OK
    with _later(pause * 2 + 1):
        assert notifications_send_due() == 2
    assert len(fake.messages(channel)) == 2


def test_a_bad_key_is_visible_and_an_admins_fix_delivers_what_waits(robots, fake, merchandiser, supervisor):
    _choose(merchandiser, "wecom")
    order = make_order(merchandiser=merchandiser)
    team_robot_save(
        team_id=robots["wecom"].team_id,
        channel="wecom",
        webhook_url=fake.wecom_url.replace(fake.wecom_key, "wrong-key"),
        secret="",
        actor=supervisor,
    )
    _mention(merchandiser, order)
    row = Notification.objects.get(channel="wecom")
    send_notification(row.pk)
    row.refresh_from_db()
    assert (
        row.status == NotificationStatus.PENDING
        and "93000" in row.last_error
        and "check the team's robot" in row.last_error
    )
    team_robot_save(
        team_id=robots["wecom"].team_id, channel="wecom", webhook_url=fake.wecom_url, secret="", actor=supervisor
    )
    with _later(3):
        notifications_send_due()
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and len(fake.messages("wecom")) == 1


def test_it_gives_up_after_the_limit(robots, fake, merchandiser):
    _choose(merchandiser, "dingtalk")
    _mention(merchandiser, make_order(merchandiser=merchandiser))
    row = Notification.objects.get(channel="dingtalk")
    fake.stop()
    for _attempt in range(MAX_ATTEMPTS):
        send_notification(row.pk)
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED and row.attempts == MAX_ATTEMPTS and row.last_error


def test_a_request_never_waits_on_a_robot(
    robots, fake, merchandiser, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    """The robot takes 3 s to answer; the request that causes the message returns without posting to it:
    the post happens in the worker (here: the task, run after the response)."""
    _choose(merchandiser, "wecom")
    order = make_order(merchandiser=merchandiser)
    fake.delay = 3.0
    queued = []
    monkeypatch.setattr(send_notification, "delay", lambda pk: queued.append(pk))
    client = Client()
    client.force_login(supervisor)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:comment", args=[order.pk]), {"text": f"@{merchandiser.username} look"})
    took = time.monotonic() - started
    assert response.status_code in (200, 302)
    assert fake.attempts == 0 and took < 3.0
    (row,) = Notification.objects.filter(channel="wecom")
    assert queued == [row.pk]
    fake.delay = 0
    send_notification(row.pk)
    assert len(fake.messages("wecom")) == 1


# --- the pages -------------------------------------------------------------------------------------------
def test_the_preferences_page_offers_a_robot_only_to_its_team(robots, merchandiser, other_merchandiser):
    assert [key for key, _label in inbox_channels_offered(user=merchandiser)] == ["email", "wecom", "dingtalk"]
    assert [key for key, _label in inbox_channels_offered(user=other_merchandiser)] == ["email"]
    client = Client()
    client.force_login(other_merchandiser)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "in my team" not in page
    response = client.post(reverse("notifications:preferences"), {"kind_order_mention": "wecom"})
    assert response.status_code == 400
    client.force_login(merchandiser)
    assert (
        "In the app and in my team&#x27;s WeCom group"
        in client.get(reverse("notifications:preferences")).content.decode()
    )
    assert client.post(reverse("notifications:preferences"), {"kind_order_mention": "wecom"}).status_code == 302


def test_management_sets_a_robot_and_never_sees_the_secret_again(team_a, fake):
    boss = staff(Role.MANAGEMENT)
    client = Client()
    client.force_login(boss)
    team = team_a[0]
    url = reverse("notifications:robot_edit", args=[team.pk, "dingtalk"])
    response = client.post(url, {"webhook_url": fake.dingtalk_url, "secret": fake.dingtalk_secret})
    assert response.status_code == 302
    robot = TeamRobot.objects.get(team=team, channel=OutboxChannel.DINGTALK)
    assert robot.secret == fake.dingtalk_secret and robot.updated_by == boss
    (record,) = robot.history.all()  # who set it, and when; the masked address only
    assert record.history_user == boss and record.webhook_hint == robot.webhook_hint
    assert not hasattr(record, "secret") and not hasattr(record, "webhook_url")
    for page in (client.get(reverse("notifications:robots")), client.get(url)):
        body = page.content.decode()
        assert fake.dingtalk_secret not in body and fake.dingtalk_token not in body
        assert robot.webhook_hint in body
    # Saving again with the secret left empty keeps it.
    client.post(url, {"webhook_url": fake.dingtalk_url, "secret": ""})
    assert TeamRobot.objects.get(pk=robot.pk).secret == fake.dingtalk_secret
    # A bad address is answered with a message, nothing changes.
    response = client.post(url, {"webhook_url": "https://evil.example/robot", "secret": ""})
    assert response.status_code == 400 and "point at the chat app" in response.content.decode()
    assert TeamRobot.objects.get(pk=robot.pk).webhook_url == fake.dingtalk_url


def test_a_merchandiser_may_not_set_robots(team_a, merchandiser):
    client = Client()
    client.force_login(merchandiser)
    assert client.get(reverse("notifications:robots")).status_code == 403
    url = reverse("notifications:robot_edit", args=[team_a[0].pk, "wecom"])
    assert client.post(url, {"webhook_url": "http://127.0.0.1:1/cgi-bin/webhook/send?key=x"}).status_code == 403
    assert not TeamRobot.objects.exists()

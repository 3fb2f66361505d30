"""The outbox: enqueue inside the caller's transaction, send after commit, retry until sent. And the staff
inbox in front of it: `notify` writes a person's notice and, if they asked for it, the outbox's email.

The outbox carries emails and chat robot messages (WeCom, DingTalk: notifications.robots) alike: one
row each, one sender, one retry job, one admin list.

Exactly once: the sender claims the row under a lock, sends, and marks it sent in the same
transaction; a row marked sent is never sent again, whichever worker or job gets to it. The one window
left, a crash after the mail server accepted the message but before the commit, resends it with the
same Message-ID (fixed at the first attempt), so the receiving side can recognise the duplicate. The chat
robots take no message id, so there that window can show a message twice in the group.
"""

import logging
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from .kinds import CHANNELS, EMAIL, KINDS
from .models import (
    DeliveryPreference,
    InboxItem,
    Notification,
    NotificationAttachment,
    NotificationStatus,
    OutboxChannel,
    TeamRobot,
)
from .robots import RATE_LIMIT_PAUSE, ROBOT_CHANNELS, RobotError, RobotMessage, robot_host_allowed, robot_post
from .selectors import inbox_changed, inbox_changed_many, inbox_channels_for_many, team_robots

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
TEXT_ENGINE = "text"  # settings.TEMPLATES: autoescape off
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class OutgoingFile:
    """A file to send with a message: its name as the recipient sees it, its bytes and its type."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"


def notification_render(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Subject, text body and HTML body of templates/notifications/<template>_{subject,body}.{txt,html},
    rendered in the recipient's language. The .txt ones by the "text" engine, which escapes nothing."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{template}_subject.txt", context, using=TEXT_ENGINE).strip()
        text = render_to_string(f"notifications/{template}_body.txt", context, using=TEXT_ENGINE)
        html = render_to_string(f"notifications/{template}_body.html", context)
    return " ".join(subject.split()), text, html


def _email_fields(
    *,
    kind: str,
    reference: str,
    to_email: str,
    language: str,
    template: str,
    context: dict,
    dedupe_key: str | None,
    reply_to: str = "",
) -> dict:
    """An email's outbox row, rendered in the recipient's language."""
    subject, text, html = notification_render(template=template, context=context, language=language)
    return {
        "kind": kind,
        "reference": reference,
        "dedupe_key": dedupe_key,
        "to_email": to_email,
        "reply_to": reply_to or "",
        "language": language,
        "subject": subject[:255],
        "body_text": text,
        "body_html": html,
    }


def _chat_fields(*, robot: TeamRobot, kind: str, reference: str, user, title: str, link: str, language: str) -> dict:
    """A chat robot's outbox row: the text names the person (a group robot speaks to the whole group), is in
    their language, and links to the thing by its absolute address (SITE_URL)."""
    url = settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link
    context = {"title": title, "person": str(user), "url": url}
    with translation.override(language):
        text = render_to_string("notifications/chat_message.md", context, using=TEXT_ENGINE).strip()
    return {
        "channel": robot.channel,
        "robot": robot,
        "kind": kind,
        "reference": reference,
        "language": language,
        "subject": title[:255],
        "body_text": text,
    }


def _dispatch_on_commit(notification_ids: list[int]) -> None:
    def dispatch_all():
        for notification_id in notification_ids:
            _dispatch(notification_id)

    if notification_ids:
        transaction.on_commit(dispatch_all)


def notification_enqueue(
    *,
    kind: str,
    reference: str,
    to_email: str,
    language: str,
    template: str,
    context: dict,
    dedupe_key: str | None = None,
    reply_to: str = "",
    attachments: Sequence[OutgoingFile] = (),
) -> Notification | None:
    """Write the message to the outbox, in the caller's transaction, and send it after commit.

    `dedupe_key` makes the enqueue idempotent: a second call with the same key returns None. `reply_to` is
    the address the recipient's answer goes to (a customer notice: the order's merchandiser). `attachments`
    are stored with the message, so every attempt sends the same files.
    Must be called inside transaction.atomic() so the message exists only if the change commits.
    """
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    fields = _email_fields(
        kind=kind,
        reference=reference,
        to_email=to_email,
        language=language,
        template=template,
        context=context,
        dedupe_key=dedupe_key,
        reply_to=reply_to,
    )
    try:
        with transaction.atomic():  # a savepoint: losing a dedupe race must not break the caller's work
            notification = Notification.objects.create(**fields)
            for file in attachments:
                NotificationAttachment.objects.create(
                    notification=notification,
                    file=ContentFile(file.content, name=file.name),
                    original_name=file.name[:255],
                    content_type=file.content_type,
                    size=len(file.content),
                )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    _dispatch_on_commit([notification.pk])
    return notification


def _dispatch(notification_id: int) -> None:
    """Hand the send to a worker. A broker that is down must not fail the user's request: the
    periodic retry job picks the message up later."""
    from .tasks import send_notification

    try:
        send_notification.delay(notification_id)
    except Exception:  # noqa: BLE001 - any broker error; the outbox row is the source of truth
        logger.warning("broker unavailable; notification %s left for the retry job", notification_id, exc_info=True)


def chat_enqueue(
    *, robot: TeamRobot, kind: str, reference: str, user, title: str, link: str, language: str
) -> Notification:
    """Write a message for the team's chat robot to the outbox, in the caller's transaction, and send it
    after commit. The text names the person, is in their language, and links to the thing."""
    notification = Notification.objects.create(
        **_chat_fields(
            robot=robot, kind=kind, reference=reference, user=user, title=title, link=link, language=language
        )
    )
    _dispatch_on_commit([notification.pk])
    return notification


def notification_send(*, notification_id: int) -> bool:
    """Send one due message, by email or to its chat robot. Returns True if this call sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return False  # already sent, given up, or being sent by another worker right now
        if notification.channel == OutboxChannel.EMAIL:
            return _send_email(notification)
        return _send_chat(notification)


def _send_email(notification: Notification) -> bool:
    # Fixed at the first attempt and kept for every retry (see the module docstring).
    message_id = notification.message_id or make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
    notification.message_id = message_id
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_email],
        reply_to=[notification.reply_to] if notification.reply_to else None,
        headers={"Message-ID": message_id},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        # Inside the try: an attachment that cannot be read is this message's failure, retried and
        # visible in its last error, never an error that stops the retry job's other messages.
        for attachment in notification.attachments.all():
            with attachment.file.open("rb") as stored:
                message.attach(attachment.original_name, stored.read(), attachment.content_type)
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - SMTP and network errors alike: retry later
        return _failed(notification, f"{type(exc).__name__}: {exc}")
    return _sent(notification)


def _send_chat(notification: Notification) -> bool:
    robot = notification.robot
    if robot is None:
        return _failed(notification, "the team's robot was removed", give_up=True)
    now = timezone.now()
    if robot.paused_until and robot.paused_until > now:
        # The robot asked us to slow down: wait, without spending an attempt.
        notification.next_attempt_at = robot.paused_until
        notification.save(update_fields=["next_attempt_at"])
        return False
    try:
        robot_post(
            channel=robot.channel,
            webhook_url=robot.webhook_url,
            secret=robot.secret,
            message=RobotMessage(title=notification.subject, text=notification.body_text),
        )
    except RobotError as exc:
        if exc.rate_limited:
            until = now + RATE_LIMIT_PAUSE[robot.channel]
            TeamRobot.objects.filter(pk=robot.pk).update(paused_until=until)
            return _failed(notification, f"rate limited ({exc})", at_least=RATE_LIMIT_PAUSE[robot.channel])
        hint = " - check the team's robot (webhook address and secret)" if exc.bad_key else ""
        return _failed(notification, f"{exc}{hint}")
    except Exception as exc:  # noqa: BLE001 - network errors, a robot that is down: retry later
        return _failed(notification, f"{type(exc).__name__}: {exc}")
    return _sent(notification)


def _failed(
    notification: Notification, error: str, *, give_up: bool = False, at_least: timedelta | None = None
) -> bool:
    """Count the attempt, keep the error for the admin, and set the next try: sooner at first, then less
    often (exponential, capped); a rate limit waits at least its pause. Gives up after MAX_ATTEMPTS."""
    notification.attempts += 1
    notification.last_error = error[:2000]
    backoff = min(timedelta(minutes=2**notification.attempts), MAX_BACKOFF)
    if at_least is not None:
        backoff = max(backoff, at_least)
    notification.next_attempt_at = timezone.now() + backoff
    if give_up or notification.attempts >= MAX_ATTEMPTS:
        notification.status = NotificationStatus.FAILED
    notification.save(update_fields=["attempts", "last_error", "next_attempt_at", "status", "message_id"])
    logger.warning("notification %s not sent: %s", notification.pk, notification.last_error)
    return False


def _sent(notification: Notification) -> bool:
    notification.status = NotificationStatus.SENT
    notification.sent_at = timezone.now()
    notification.attempts += 1
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "message_id", "attempts", "last_error"])
    return True


def notifications_send_due(*, limit: int = 500) -> int:
    """The retry job: send every pending message whose time has come. Idempotent."""
    due = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if notification_send(notification_id=pk))


def notifications_for(*, reference: str):
    return Notification.objects.filter(reference=reference).order_by("-created_at")


# --- the staff inbox ------------------------------------------------------------------------------------
def _staff_language(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def notification_title(*, template: str, context: dict, language: str) -> str:
    """The notice's title: the email's subject template, rendered in the recipient's language."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{template}_subject.txt", context, using=TEXT_ENGINE)
    return " ".join(subject.split())[:255]


@dataclass(frozen=True)
class Notice:
    """One notice for `notify_many`: the arguments of `notify`."""

    user: Any
    kind: str
    link: str
    template: str
    context: dict
    reference: str
    dedupe_key: str | None = None
    email_context: dict | None = None


def notify(
    *,
    user,
    kind: str,
    link: str,
    template: str,
    context: dict,
    reference: str,
    dedupe_key: str | None = None,
    email_context: dict | None = None,
) -> InboxItem | None:
    """Tell a member of staff: a notice in their inbox, and the email or their team's WeCom or DingTalk
    robot's message too if their preference for this kind says so, queued in the outbox in the caller's
    transaction (sent once, after commit, retried).

    `link` is the site-relative address of the thing; `template` names the outbox's templates
    (notifications/<template>_subject.txt gives the title); `email_context` adds to `context` what only the
    email needs (its absolute address). `dedupe_key` makes the call idempotent: a second call with the same
    key returns None and sends nothing. Must be called inside transaction.atomic().
    """
    notice = Notice(
        user=user,
        kind=kind,
        link=link,
        template=template,
        context=context,
        reference=reference,
        dedupe_key=dedupe_key,
        email_context=email_context,
    )
    return notify_many(notices=[notice])[0]


def notify_many(*, notices: Sequence[Notice]) -> list[InboxItem | None]:
    """`notify` for many notices at once, with its guarantees, in a number of queries that does not grow with
    them: one dedupe check, one insert of the inbox notices, one read of the preferences (and of the teams'
    robots when one is chosen), one insert of the outbox's emails and chat messages, and one move of the bell
    versions of everyone told (at the write and on commit). Must be called inside transaction.atomic().

    Answers, for each notice in order, its new InboxItem, or None as `notify` would: an inactive person, a
    dedupe key already used (by an earlier notice of the same call too, or by another transaction that wrote
    it meanwhile: the unique key is the guard, never the check). Callers that may race each other should
    pass their notices in the same order (e.g. by person), so that their inserts wait rather than deadlock.
    """
    answer: list[InboxItem | None] = [None] * len(notices)
    keys = {notice.dedupe_key for notice in notices if notice.dedupe_key}
    used = set(InboxItem.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)) if keys else set()
    todo: list[int] = []
    for index, notice in enumerate(notices):
        if notice.user is None or not notice.user.is_active:
            continue
        if notice.dedupe_key:
            if notice.dedupe_key in used:
                continue
            used.add(notice.dedupe_key)
        todo.append(index)
    if not todo:
        return answer
    languages = {index: _staff_language(notices[index].user) for index in todo}
    items = [
        InboxItem(
            user=notices[index].user,
            kind=notices[index].kind,
            title=notification_title(
                template=notices[index].template, context=notices[index].context, language=languages[index]
            ),
            link=notices[index].link[:500],
            dedupe_key=notices[index].dedupe_key,
        )
        for index in todo
    ]
    written = [(index, item) for index, item in zip(todo, _insert_once(InboxItem, items), strict=True) if item]
    if not written:
        return answer
    channels = inbox_channels_for_many(pairs=[(item.user_id, item.kind) for _index, item in written])
    wants_robot = [
        notices[i].user.team_id for i, item in written if channels[(item.user_id, item.kind)] & set(ROBOT_CHANNELS)
    ]
    robots = team_robots(team_ids=wants_robot) if wants_robot else {}
    outbox: list[dict] = []
    for index, item in written:
        notice, language = notices[index], languages[index]
        chosen = channels[(item.user_id, item.kind)]
        if EMAIL in chosen and notice.user.email:
            outbox.append(
                _email_fields(
                    kind=notice.kind,
                    reference=notice.reference,
                    to_email=notice.user.email,
                    language=language,
                    template=notice.template,
                    context={**notice.context, **(notice.email_context or {})},
                    dedupe_key=notice.dedupe_key,
                )
            )
        for channel in ROBOT_CHANNELS:
            robot = robots.get((notice.user.team_id, channel)) if channel in chosen else None
            if robot is not None:
                outbox.append(
                    _chat_fields(
                        robot=robot,
                        kind=notice.kind,
                        reference=notice.reference,
                        user=notice.user,
                        title=item.title,
                        link=notice.link,
                        language=language,
                    )
                )
        answer[index] = item
    _outbox_write(outbox)
    inbox_changed_many(user_ids=sorted({item.user_id for _index, item in written}))
    return answer


def _outbox_write(rows: list[dict]) -> None:
    """Write the outbox rows of notify_many, in order, and send them after commit. An email whose dedupe key
    the outbox already holds is left out, as notification_enqueue leaves it."""
    keys = {row["dedupe_key"] for row in rows if row.get("dedupe_key")}
    used = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)) if keys else set()
    notifications = [Notification(**row) for row in rows if not row.get("dedupe_key") or row["dedupe_key"] not in used]
    written = [n for n in _insert_once(Notification, notifications) if n is not None]
    _dispatch_on_commit([notification.pk for notification in written])


def _insert_once(model, rows: list) -> list:
    """Insert rows of a model whose nullable `dedupe_key` is unique: in one statement, in a savepoint. If
    another transaction wrote one of the keys since the caller checked them, the statement fails and the
    rows go in one by one instead, each in its own savepoint, a row whose key is now taken giving None (its
    insert waits for the other transaction, so the answer is final). Answers the rows, saved, in order."""
    if len(rows) > 1:
        try:
            with transaction.atomic():
                return model.objects.bulk_create(rows)
        except IntegrityError:
            pass  # lost a race for some key: row by row below
    answer = []
    for row in rows:
        try:
            with transaction.atomic():
                model.objects.bulk_create([row])
        except IntegrityError:
            if row.dedupe_key and model.objects.filter(dedupe_key=row.dedupe_key).exists():
                answer.append(None)
                continue
            raise
        answer.append(row)
    return answer


def inbox_mark_read(*, user, item_id: int) -> InboxItem | None:
    """Mark one of the person's own notices read (again: nothing changes). None when it is not theirs."""
    with transaction.atomic():
        item = InboxItem.objects.select_for_update().filter(pk=item_id, user=user).first()
        if item is None:
            return None
        if item.read_at is None:
            item.read_at = timezone.now()
            item.save(update_fields=["read_at"])
            inbox_changed(user_id=user.pk)
    return item


def inbox_mark_all_read(*, user) -> int:
    """Mark every unread notice of the person read. Returns how many."""
    with transaction.atomic():
        count = InboxItem.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        if count:
            inbox_changed(user_id=user.pk)
    return count


def inbox_preferences_save(*, user, choices: dict[str, set[str]]) -> None:
    """Save the channels a person wants per kind of notice, besides the inbox. `choices` maps a kind to the
    set of channels; an unknown kind or channel is refused, a kind left out keeps what it had."""
    unknown = [kind for kind in choices if kind not in KINDS]
    unknown += [channel for channels in choices.values() for channel in channels if channel not in CHANNELS]
    if unknown:
        raise InvalidInput(_("Unknown kind of notice or channel: %(names)s.") % {"names": ", ".join(unknown)})
    now = timezone.now()
    rows = [
        DeliveryPreference(user=user, kind=kind, channel=channel, enabled=channel in channels, updated_at=now)
        for kind, channels in choices.items()
        for channel in CHANNELS
    ]
    with transaction.atomic():  # one statement: a row per kind and channel, inserted or overwritten
        DeliveryPreference.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "kind", "channel"],
            update_fields=["enabled", "updated_at"],
        )


# --- the teams' chat robots -----------------------------------------------------------------------------
def _mask(webhook_url: str) -> str:
    """Enough of the address to recognise it, never its key: the host and the key's last four characters."""
    parts = urllib.parse.urlsplit(webhook_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path} …{webhook_url[-4:]}"[:80]


def team_robot_save(*, team_id: int, channel: str, webhook_url: str, secret: str, actor) -> TeamRobot:
    """Set a team's WeCom or DingTalk robot. An empty `secret` keeps the one stored (the page never shows
    it back); a DingTalk robot needs one ("加签"). The address must be the robot's own host."""
    webhook_url = webhook_url.strip()
    secret = secret.strip()
    if channel not in ROBOT_CHANNELS:
        raise InvalidInput(_("Unknown chat app."))
    if not webhook_url:
        raise InvalidInput(_("Paste the robot's webhook address."))
    if not robot_host_allowed(webhook_url):
        raise InvalidInput(
            _("The webhook address must point at the chat app's own server (%(hosts)s).")
            % {"hosts": ", ".join(settings.NOTIFICATIONS_ROBOT_HOSTS)}
        )
    with transaction.atomic():
        robot = TeamRobot.objects.select_for_update().filter(team_id=team_id, channel=channel).first()
        if robot is None:
            robot = TeamRobot(team_id=team_id, channel=channel)
        if secret:
            robot.secret = secret
        if channel == "dingtalk" and not robot.secret:
            raise InvalidInput(_("Paste the robot's secret: DingTalk signs every message with it (加签)."))
        robot.webhook_url = webhook_url
        robot.webhook_hint = _mask(webhook_url)
        robot.paused_until = None
        robot.updated_at = timezone.now()
        robot.updated_by = actor
        robot.save()
        logger.info("team %s %s robot set by %s", team_id, channel, getattr(actor, "pk", None))
    return robot


def team_robot_remove(*, team_id: int, channel: str, actor) -> bool:
    """Remove a team's robot. Its waiting messages give up ("the team's robot was removed")."""
    with transaction.atomic():
        deleted, _rows = TeamRobot.objects.filter(team_id=team_id, channel=channel).delete()
        if deleted:
            logger.info("team %s %s robot removed by %s", team_id, channel, getattr(actor, "pk", None))
    return bool(deleted)


def robots_rotate_key() -> int:
    """Encrypt every stored robot anew under the first of NOTIFICATIONS_ROBOT_KEYS. Returns how many. A row
    that no configured key opens is left as it is (not overwritten with nothing)."""
    count = 0
    with transaction.atomic():
        rows = TeamRobot.objects.select_for_update().values_list("pk", "webhook_url", "secret")
        for pk, url, secret in rows:
            if not url:
                logger.warning("team robot %s: no configured key opens it; left as it is", pk)
                continue
            # values_list reads through the field, so these are plain: writing them encrypts anew.
            TeamRobot.objects.filter(pk=pk).update(webhook_url=url, secret=secret)
            count += 1
    return count

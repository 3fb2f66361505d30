from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredFile

from .crypto import EncryptedTextField


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")


class TeamRobot(models.Model):
    """A team's chat group robot (WeCom or DingTalk), entered by an admin. The webhook address carries the
    robot's key, so it is encrypted at rest like the secret (notifications.crypto) and shown only masked.
    The history records who set, changed or removed it and when, with the masked address only."""

    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(
        _("chat app"), max_length=10, choices=[c for c in OutboxChannel.choices if c[0] != OutboxChannel.EMAIL]
    )
    webhook_url = EncryptedTextField(_("webhook address"))
    secret = EncryptedTextField(_("secret"), blank=True)
    webhook_hint = models.CharField(_("webhook"), max_length=80, help_text=_("the address, masked"))
    # After a robot says "too fast", every message to it waits until then (not only the one refused).
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["webhook_url", "secret", "paused_until"])

    class Meta:
        verbose_name = _("team chat robot")
        verbose_name_plural = _("team chat robots")
        ordering = ["team_id", "channel"]
        constraints = [models.UniqueConstraint(fields=["team", "channel"], name="team_robot_one_per_channel")]

    def __str__(self):
        return f"{self.team_id} {self.channel} {self.webhook_hint}"


class Notification(models.Model):
    """One outgoing message: an email, or a post to a team's chat robot. Written in the same transaction as
    the change it reports; sent after commit."""

    channel = models.CharField(_("channel"), max_length=10, choices=OutboxChannel.choices, default=OutboxChannel.EMAIL)
    # A chat message goes to whichever address the robot has when it is sent: an admin's fix of a bad key
    # reaches the messages already waiting.
    robot = models.ForeignKey(
        TeamRobot, verbose_name=_("robot"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    reference = models.CharField(_("about"), max_length=60, db_index=True, help_text=_("e.g. order:123"))
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    to_email = models.EmailField(_("to"), blank=True)  # empty for a chat message
    # Where the recipient's answer goes: a customer notice replies to its merchandiser, not the system.
    reply_to = models.EmailField(_("reply to"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notification_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.to_email or self.channel} ({self.status})"


class NotificationAttachment(StoredFile):
    """A file sent with a message, stored with it so that a retry sends the same bytes."""

    storage_folder = "outbox"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = _("email attachment")
        verbose_name_plural = _("email attachments")
        ordering = ["id"]


class InboxItem(models.Model):
    """One notice in a staff member's inbox (the bell in the top bar). The title is rendered in the
    recipient's language when it is written, like the outbox's subject, so it reads the same in both."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("headline"), max_length=255)
    link = models.CharField(_("link"), max_length=500, help_text=_("the address of the thing, e.g. /orders/12/"))
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox notice")
        verbose_name_plural = _("inbox notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="inbox_user_newest_idx"),
            # The bell's count: unread for one person.
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="inbox_unread_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user_id}: {self.title}"


class DeliveryPreference(models.Model):
    """Whether a person also gets one kind of notice by one channel beyond the inbox. No row: the kind's
    default (notifications.kinds). A channel added later (WeCom, DingTalk) is another value of `channel`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20)
    enabled = models.BooleanField(_("on"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery preference")
        verbose_name_plural = _("delivery preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="delivery_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.channel}={self.enabled}"

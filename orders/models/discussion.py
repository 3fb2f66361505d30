"""Talking about an order (policy 4.2.2): a thread of comments on the order page, each of which may name
colleagues (@username) and carry one file. Append-only, like the work record it is part of: a comment is
never edited or deleted; a correction is a new comment."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyEvent

from .order import Order
from .records import Attachment

COMMENT_MAX_CHARS = 4000


class OrderComment(AppendOnlyEvent):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_CHARS)
    attachment = models.ForeignKey(
        Attachment, verbose_name=_("attachment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="comment_order_time_idx")]

    def __str__(self):
        return f"{self.order_id} {self.author_id} {self.created_at:%Y-%m-%d %H:%M}"


class OrderMention(AppendOnlyEvent):
    """A colleague named in a comment: what their work page lists under "mentioned you"."""

    comment = models.ForeignKey(OrderComment, on_delete=models.PROTECT, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="order_mentions")

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_unique")]

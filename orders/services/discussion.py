"""Comments on an order: a thread on the order page, part of the work record (policy 4.2.2).

Whoever may see the order may write in its thread (QA, HR and management included: the thread is where a
merchandiser raises a problem with another department). A comment may name colleagues as @username; each
named person gets a notice in their inbox (and an email in their language, unless they chose the inbox
only) and sees the comment under "mentioned you" on their work page. Naming someone who may not see the
order, or no one by that name, refuses the whole comment, so nothing is half-posted and no one is told of
an order they cannot open.

Append-only: no edit, no delete. A correction is another comment."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotPermitted
from notifications.services import notify

from .. import events
from ..models import COMMENT_MAX_CHARS, AttachmentKind, OrderComment, OrderMention
from ..selectors import orders_visible_to
from .records import attachment_add
from .workflow import order_lock

# "@name" at the start or after anything but a word character, so an email address (a@b.com) names no one.
# Django usernames may hold letters, digits and @ . + - _; a trailing full stop ends the sentence.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")
MAX_MENTIONS = 10


def mentioned_usernames(text: str) -> list[str]:
    """The usernames named in `text`, in order, each once."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names


def _mentioned_users(order, names: list[str]) -> list:
    if len(names) > MAX_MENTIONS:
        raise InvalidInput(_("A comment may name at most %(n)d people.") % {"n": MAX_MENTIONS})
    users = []
    refused_unknown, refused_blind = [], []
    for name in names:
        user = get_user_model().objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            refused_unknown.append(f"@{name}")
        elif not orders_visible_to(user).filter(pk=order.pk).exists():
            refused_blind.append(f"@{name}")
        else:
            users.append(user)
    reasons = []
    if refused_unknown:
        reasons.append(_("No colleague has the user name %(names)s.") % {"names": ", ".join(refused_unknown)})
    if refused_blind:
        reasons.append(
            _("%(names)s may not see order %(order)s; ask their supervisor, or write to them another way.")
            % {"names": ", ".join(refused_blind), "order": order.display_number}
        )
    if reasons:
        raise InvalidInput(_("The comment was not posted."), reasons=reasons)
    return users


def order_comment_post(*, order_id, actor, text: str, uploaded=None) -> OrderComment:
    """Post a comment, with its mentions and its file, and write it in the work record."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write the comment."))
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidInput(
            _("The comment is too long (%(n)d characters); the limit is %(limit)d.")
            % {"n": len(text), "limit": COMMENT_MAX_CHARS}
        )
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if not orders_visible_to(actor).filter(pk=order.pk).exists():
            raise NotPermitted(_("You may not see order %(order)s.") % {"order": order.display_number})
        mentioned = [user for user in _mentioned_users(order, mentioned_usernames(text)) if user.pk != actor.pk]
        attachment = None
        if uploaded is not None:
            attachment = attachment_add(order=order, uploaded=uploaded, kind=AttachmentKind.OTHER, actor=actor)
        comment = OrderComment.objects.create(order=order, author=actor, text=text, attachment=attachment)
        OrderMention.objects.bulk_create([OrderMention(comment=comment, user=user) for user in mentioned])
        events.event_comment(
            order,
            actor,
            comment_id=comment.pk,
            text=text,
            mentions=[user.get_username() for user in mentioned],
            file_name=attachment.original_name if attachment else "",
        )
        for user in mentioned:
            _tell(comment=comment, order=order, recipient=user, actor=actor)
    return comment


def _tell(*, comment, order, recipient, actor) -> None:
    """A notice in the person's inbox, and the email if their preference for mentions says so."""
    link = reverse("orders:detail", kwargs={"pk": order.pk}) + "?open=discussion#panel-discussion"
    notify(
        user=recipient,
        kind="order_mention",
        link=link,
        # Not "order:<pk>": that reference is the order's customer notices, shown on its page.
        reference=f"order-mention:{order.pk}",
        template="order_mention",
        context={"order": order, "recipient": recipient, "actor": actor, "text": comment.text},
        email_context={"url": f"{settings.SITE_URL.rstrip('/')}{link}"},
        dedupe_key=f"order-mention:{comment.pk}:{recipient.pk}",
    )

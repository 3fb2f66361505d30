"""Supervisors' reviews of work records (检查工作记录, policy ch.5 art.1.2)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from core.errors import InvalidInput, NotPermitted
from orders import events
from orders.permissions import leads_owner
from orders.services import order_lock

from .. import wording
from ..events import supervision_event
from ..models import RecordReview

STAGE = "supervision"


def record_review_create(*, order_id, actor, rating, comment: str) -> RecordReview:
    """The supervisor of the order's merchandiser read its work record: a rating (1–5) and a comment,
    kept beside the order and written on its timeline."""
    problems = []
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        problems.append(_("Give a rating from 1 to 5."))
    if not comment.strip():
        problems.append(_("Add a comment for the merchandiser."))
    if problems:
        raise InvalidInput(_("The review could not be saved."), reasons=problems)
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if not (has_role(actor, Role.SUPERVISOR) and leads_owner(actor, order)):
            raise NotPermitted(_("Only the supervisor of the order's merchandiser reviews its record."))
        review = RecordReview.objects.create(
            order=order, merchandiser=order.merchandiser, reviewer=actor, rating=rating, comment=comment.strip()
        )
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="record_reviewed",
            note=wording.REVIEWED(rating=rating).beside(comment.strip()),
            payload={"rating": rating},
        )
        supervision_event(review, "created", actor, order=order.pk, rating=rating)
    return review

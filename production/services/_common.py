"""What the production services share: the permission check and the stage event."""

from django.utils.translation import gettext as _

from core.errors import NotPermitted
from orders import events
from orders.permissions import can_edit

STAGE = "production"


def require_edit(actor, order) -> None:
    if actor is None or not can_edit(actor, order):
        raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})


def stage_event(order, actor, *, action: str, note: events.Note = "", payload=None):
    return events.event_stage(order, actor, stage=STAGE, action=action, note=note, payload=payload)

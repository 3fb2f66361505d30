"""How supervision's lines of the order's work record read (orders.event_wording): record reviews, spot
checks and findings, worded in the reader's language."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.event_wording import NoteKind, StageWording, in_reader_language, register_notes, register_stage

STAGE = "supervision"

ACTIONS = {
    "record_reviewed": _("Work record reviewed"),
    "spot_checked": _("Spot-checked"),
    "finding_raised": _("Finding raised"),
    "finding_closed": _("Finding closed"),
}

REVIEWED = NoteKind("supervision.reviewed", _("Rated %(rating)s out of 5."))
SPOT_CHECKED = NoteKind("supervision.spot_checked", _("%(failed)s of %(items)s items failed."))


def _failed_item(values: dict) -> str:
    if not values.get("note"):
        return values["item"]
    return gettext("%(item)s: %(note)s") % values


FAILED_ITEM = NoteKind("supervision.failed_item", shown={"item": in_reader_language}, compose=_failed_item)


def register() -> None:
    register_stage(STAGE, StageWording(actions=ACTIONS))
    register_notes(REVIEWED, SPOT_CHECKED, FAILED_ITEM)

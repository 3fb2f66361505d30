"""How the documents' lines of the order's work record read (orders.event_wording)."""

from django.utils.translation import gettext_lazy as _

from orders.event_wording import NoteKind, StageWording, register_notes, register_stage

STAGE = "documents"

ACTIONS = {
    "pi_generated": _("PI made"),
    "pi_sent": _("PI sent to the customer"),
    "packing_list_generated": _("Packing list made"),
}

PI_GENERATED = NoteKind("documents.pi_generated", _("PI version %(version)s, total %(total)s."))
PI_SENT = NoteKind("documents.pi_sent", _("PI version %(version)s sent to %(to)s, to confirm on the status page."))
PACKING_LIST_GENERATED = NoteKind(
    "documents.packing_list_generated",
    _("Packing list version %(version)s of shipment %(ref)s: %(cartons)s cartons, %(gross)s kg gross."),
)


def register() -> None:
    register_stage(STAGE, StageWording(actions=ACTIONS))
    register_notes(PI_GENERATED, PI_SENT, PACKING_LIST_GENERATED)

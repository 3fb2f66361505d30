"""How the escalation's line of the order's work record reads (orders.event_wording), in the reader's
language."""

from django.utils.translation import gettext_lazy as _

from orders.event_wording import NoteKind, StageWording, as_date, in_reader_language, register_notes, register_stage

from .models import EscalationStep

STAGE = "reminders"

ACTIONS = {"escalated": _("Overdue: escalated")}

_STEPS = dict(EscalationStep.choices)

ESCALATED = NoteKind(
    "reminders.escalated",
    _("%(what)s, due %(due)s, is still open: %(step)s."),
    shown={"what": in_reader_language, "due": as_date, "step": lambda value: str(_STEPS.get(value, value))},
)


def register() -> None:
    register_stage(STAGE, StageWording(actions=ACTIONS))
    register_notes(ESCALATED)

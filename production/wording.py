"""How production's lines of the order's work record read (orders.event_wording): its actions and the
notes its services write, worded in the reader's language."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.event_wording import (
    NoteKind,
    StageWording,
    as_date,
    either,
    in_reader_language,
    label_of,
    register_notes,
    register_stage,
)

from .models import ContactMethod

STAGE = "production"

ACTIONS = {
    "plan_generated": _("T&A plan made"),
    "milestone_done": _("Milestone reached"),
    "milestone_revised": _("Milestone date revised"),
    "run_recorded": _("Production details recorded"),
    "run_changed": _("Production details changed"),
    "checkin": _("Daily check-in"),
    "checkin_updated": _("Daily check-in updated"),
    "delay": _("Delay recorded"),
    "promise_warning": _("Promise at risk: early warning"),
    "milestones_imported": _("Milestones done before go-live"),
    "factory_link_made": _("Link for the factory's reports made"),
    "factory_link_withdrawn": _("Link for the factory's reports withdrawn"),
    "factory_report": _("Report from the factory"),
}

FACTORY_LINK_MADE = NoteKind(
    "production.factory_link_made",
    _("A link for the factory's phone reports was made, valid until %(until)s."),
    shown={"until": as_date},
)
FACTORY_LINK_WITHDRAWN = NoteKind(
    "production.factory_link_withdrawn", _("The link for the factory's phone reports was withdrawn.")
)
FACTORY_REPORT = NoteKind(
    "production.factory_report",
    _("%(name)s reported from the factory: %(quantity)s done, %(photos)s photo(s)."),
)

RUN = NoteKind(
    "production.run",
    _("Factory %(factory)s, line %(line)s, work order %(ref)s, start %(start)s."),
    shown={"start": as_date},
)


def _plan_made(values: dict) -> str:
    text = gettext("T&A plan made from template %(template)s, ex-factory %(date)s.") % values
    if values.get("shortfall"):
        text += " " + gettext(
            "Compressed: the delivery date leaves %(n)d working days fewer than the template needs."
        ) % {"n": values["shortfall"]}
    return text


PLAN_MADE = NoteKind(
    "production.plan_made",
    shown={"template": in_reader_language, "date": as_date, "shortfall": lambda n: n or 0},
    compose=_plan_made,
)
MILESTONE_DONE = NoteKind(
    "production.milestone_done",
    _("%(milestone)s reached on %(date)s."),
    shown={"milestone": in_reader_language, "date": as_date},
)
MILESTONE_REVISED = NoteKind(
    "production.milestone_revised",
    _("%(milestone)s moved from %(old)s to %(new)s: %(reason)s"),
    shown={"milestone": in_reader_language, "old": as_date, "new": as_date},
)
MILESTONES_IMPORTED = NoteKind(
    "production.milestones_imported",
    _("Done before go-live, as the import file says: %(milestones)s."),
    shown={"milestones": lambda names: ", ".join(in_reader_language(name) for name in names)},
)
PROMISE_WARNING = NoteKind(
    "production.promise_warning",
    _(
        "%(milestone)s is not done, and the promised delivery date %(promised)s holds only if it is done by "
        "%(latest)s. Act now, before the customer must be told."
    ),
    shown={"milestone": in_reader_language, "latest": as_date, "promised": as_date},
)
DELAY = NoteKind(
    "production.delay",
    _("Delay (%(reason)s): promised date %(old)s → %(new)s. %(notice)s"),
    shown={
        "reason": in_reader_language,
        "old": as_date,
        "new": as_date,
        "notice": either(_("Customer notified by email."), _("No customer email on file: tell the customer yourself.")),
    },
)


def _checkin(values: dict) -> str:
    parts = [gettext("Check-in %(day)s: %(contact)s by %(method)s.") % values]
    if values.get("quantity") is not None:
        parts.append(gettext("Produced so far: %(n)s.") % {"n": values["quantity"]})
    if values.get("problems"):
        parts.append(gettext("Problems: %(text)s") % {"text": values["problems"]})
    if values.get("next"):
        parts.append(gettext("Next: %(text)s") % {"text": values["next"]})
    return " ".join(parts)


CHECKIN = NoteKind("production.checkin", shown={"day": as_date, "method": label_of(ContactMethod)}, compose=_checkin)


def register() -> None:
    register_stage(STAGE, StageWording(actions=ACTIONS))
    register_notes(
        RUN,
        PLAN_MADE,
        MILESTONE_DONE,
        MILESTONE_REVISED,
        MILESTONES_IMPORTED,
        DELAY,
        PROMISE_WARNING,
        CHECKIN,
        FACTORY_LINK_MADE,
        FACTORY_LINK_WITHDRAWN,
        FACTORY_REPORT,
    )

"""How after-sales' lines of the order's work record read (orders.event_wording): the actions, a case's
states and fields, and the notes the services write, worded in the reader's language."""

from django.utils.translation import gettext_lazy as _

from orders.event_wording import NoteKind, StageWording, label_of, register_notes, register_stage

from .models import Case, CaseStatus, CaseType, FeedbackSource, Severity

STAGE = "aftersales"

HISTORY_LABELS = {
    "case_opened": _("Opened"),
    "case_start": _("Work started (first response)"),
    "case_wait_on_customer": _("Waiting on the customer"),
    "case_resume": _("Customer replied"),
    "case_resolve": _("Resolved"),
    "case_close": _("Closed"),
    "case_reopen": _("Reopened"),
    "case_updated": _("Changed"),
    "case_attachment": _("File attached"),
    "sla_response_warning": _("Owner warned: first response due soon"),
    "sla_response_breach": _("First-response target missed: escalated"),
    "sla_resolution_warning": _("Owner warned: resolution due soon"),
    "sla_resolution_breach": _("Resolution target missed: escalated"),
    "survey_submitted": _("Customer survey received"),
    "survey_corrected": _("Customer survey corrected"),
    "feedback_logged": _("Customer feedback recorded"),
}

CASE_OPENED = NoteKind(
    "aftersales.case_opened",
    _("Case %(ref)s opened (%(type)s, %(severity)s): %(subject)s"),
    shown={"type": label_of(CaseType), "severity": label_of(Severity)},
)
SERVICE_PERIOD_OVER = NoteKind(
    "aftersales.service_period_over", _("After-sales service period over and every case closed.")
)
SURVEY = NoteKind("aftersales.survey", _("Customer survey: quality %(q)d, delivery %(d)d, communication %(c)d."))
FEEDBACK = NoteKind(
    "aftersales.feedback",
    _("Customer feedback (%(source)s): quality %(q)d, delivery %(d)d, communication %(c)d."),
    shown={"source": label_of(FeedbackSource)},
)


def register() -> None:
    register_stage(STAGE, StageWording(actions=HISTORY_LABELS, states=dict(CaseStatus.choices), changes_model=Case))
    register_notes(CASE_OPENED, SERVICE_PERIOD_OVER, SURVEY, FEEDBACK)

"""The customer's status page: no login, one order, read-only except for raising a case and the survey.

The token is the only key. A tampered, revoked or unknown token is a plain 404, the same answer as a
page that never existed, and is logged. An expired one (settings.STATUS_LINK_DAYS) gets a page that says so
and whom to ask for a new link, and accepts nothing. Responses are never cached and never indexed, and the page sends
no referrer to other sites, so the token does not leak to the carrier sites it links to.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.client_address import client_ip
from accounts.decorators import security_log
from aftersales.services import case_open, feedback_submit_survey
from core.errors import DomainError
from core.views import report_error
from documents.selectors import portal_pi
from documents.services import pi_confirm_online
from logistics.selectors import status_link_expired, status_link_expires_at, status_link_resolve
from logistics.services import status_link_record_view
from orders.downloads import download_response, file_not_found
from orders.models import OrderState
from orders.services import promise_customer_answer

from .forms import DateQuestionForm, PiConfirmForm, PortalCaseForm, SurveyForm
from .selectors import portal_context


def _link_or_404(request, token: str):
    link = status_link_resolve(token=token)
    if link is None:
        security_log.warning("status link refused ip=%s token_prefix=%s", client_ip(request), token[:6])
        raise Http404
    return link


def _expired(request, link):
    """A page saying so and whom to ask for a new link, in the customer's language; nothing of the order but
    its number. Answered 200: it is the page the customer is meant to read, not a failure of theirs."""
    security_log.info("status link expired ip=%s order=%s", client_ip(request), link.order_id)
    order = link.order
    with translation.override(_language(request, order.customer)):
        context = {"order": order, "merchandiser": order.merchandiser, "expired_on": status_link_expires_at(link)}
        return _private(render(request, "customer_portal/expired.html", context))


def _language(request, customer) -> str:
    """The customer's language, unless they chose another one with the switcher on the page."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return customer.preferred_language or settings.LANGUAGE_CODE


def _private(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Never the token to another site (carrier tracking links); same-origin keeps our own form posts'
    # Origin header, which "no-referrer" would turn into "null" and fail the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    return response


def _render(request, link, *, case_form=None, survey_form=None, date_form=None, pi_form=None, status=200):
    order = link.order
    context = portal_context(order=order)
    context.update(_pi_context(order, pi_form))
    survey = context["survey"]
    if survey_form is None and context["survey_open"]:
        initial = {}
        if survey:
            initial = {
                "quality": survey.quality,
                "delivery": survey.delivery,
                "communication": survey.communication,
                "comment": survey.comment,
                "contact_name": survey.contact_name,
            }
        survey_form = SurveyForm(initial=initial, prefix="survey")
    if case_form is None and context["cases_open"]:
        case_form = PortalCaseForm(prefix="case")
    if date_form is None and context["new_date"] and not context["new_date"].customer_answer:
        date_form = DateQuestionForm(prefix="date")
    context.update(
        {
            "token": request.resolver_match.kwargs["token"],
            "case_form": case_form,
            "survey_form": survey_form,
            "date_form": date_form,
        }
    )
    return _private(render(request, "customer_portal/status.html", context, status=status))


@require_GET
def status_page(request, token):
    link = _link_or_404(request, token)
    if status_link_expired(link):
        return _expired(request, link)
    status_link_record_view(link=link)
    with translation.override(_language(request, link.order.customer)):
        return _render(request, link)


@require_POST
def open_case(request, token):
    link = _link_or_404(request, token)
    if status_link_expired(link):
        return _expired(request, link)
    with translation.override(_language(request, link.order.customer)):
        form = PortalCaseForm(request.POST, prefix="case")
        if form.is_valid():
            try:
                case = case_open(order_id=link.order_id, actor=None, data=form.to_input())
            except DomainError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your request %(ref)s is registered; we will contact you soon.")
                    % {"ref": case.reference},
                )
                return _private(redirect("portal:status", token=token))
        return _render(request, link, case_form=form, status=400)


@require_POST
def submit_survey(request, token):
    link = _link_or_404(request, token)
    if status_link_expired(link):
        return _expired(request, link)
    with translation.override(_language(request, link.order.customer)):
        form = SurveyForm(request.POST, prefix="survey")
        if form.is_valid():
            d = form.cleaned_data
            try:
                _feedback, created = feedback_submit_survey(
                    order_id=link.order_id,
                    quality=d["quality"],
                    delivery=d["delivery"],
                    communication=d["communication"],
                    comment=d["comment"],
                    contact_name=d["contact_name"],
                )
            except DomainError as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("Thank you for your feedback.") if created else _("Your feedback is updated. Thank you."),
                )
                return _private(redirect("portal:status", token=token))
        return _render(request, link, survey_form=form, status=400)


@require_POST
def answer_date(request, token):
    """The customer accepts or questions the new delivery date; the merchandiser reads it on the order."""
    link = _link_or_404(request, token)
    if status_link_expired(link):
        return _expired(request, link)
    with translation.override(_language(request, link.order.customer)):
        answer = request.POST.get("answer", "")
        form = DateQuestionForm(request.POST if answer == "questioned" else None, prefix="date")
        if answer == "questioned" and not form.is_valid():
            return _render(request, link, date_form=form, status=400)
        try:
            promise_customer_answer(
                order_id=link.order_id,
                promise_id=request.POST.get("promise", ""),
                answer=answer,
                text=form.cleaned_data["text"] if answer == "questioned" else "",
            )
        except DomainError as error:
            report_error(request, error)
        else:
            messages.success(request, _("Thank you. Your answer is recorded and your merchandiser is told."))
        return _private(redirect(f"{reverse('portal:status', kwargs={'token': token})}#new-date"))


# --- the PI: read and confirmed by the customer (documents) ---------------------------------------------
def _pi_context(order, form=None) -> dict:
    context = portal_pi(order=order)
    finished = order.status in (OrderState.CANCELLED, OrderState.CLOSED)  # nothing is recorded on it any more
    if form is None and context["pi"] is not None and context["pi_confirmation"] is None and not finished:
        form = PiConfirmForm(initial={"document": context["pi"].pk}, prefix="pi")
    return {**context, "pi_form": form if context["pi"] is not None and not finished else None}


@require_GET
def pi_download(request, token):
    """Only the current PI of the link's own order: no id is taken from the URL."""
    link = _link_or_404(request, token)
    if status_link_expired(link):
        return _expired(request, link)
    document = portal_pi(order=link.order)["pi"]
    if document is None:
        raise file_not_found(request, "portal PI")
    return _private(download_response(document.file, document.original_name))


@require_POST
def pi_confirm(request, token):
    link = _link_or_404(request, token)
    if status_link_expired(link):
        return _expired(request, link)
    with translation.override(_language(request, link.order.customer)):
        form = PiConfirmForm(request.POST, prefix="pi")
        if form.is_valid():
            d = form.cleaned_data
            try:
                pi_confirm_online(order_id=link.order_id, document_id=d["document"], contact=d["contact_name"])
            except DomainError as error:
                report_error(request, error)
            else:
                messages.success(request, _("Thank you. Your confirmation of the proforma invoice is recorded."))
                return _private(redirect("portal:status", token=token))
        return _render(request, link, pi_form=form, status=400)

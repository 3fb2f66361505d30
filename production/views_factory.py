"""The factory's phone page (no login: the signed link is the key) and the merchandiser's side of it on the
order page: make or withdraw the link, confirm a report as the day's check-in, see its photos."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.client_address import client_ip
from accounts.decorators import security_log
from core.errors import DomainError
from core.views import run_service
from orders.hooks import order_page_url
from orders.models import OrderState

from .forms import FactoryReportForm
from .models import PlanMilestone
from .selectors import factory_link_resolve, factory_photo_for_user
from .services import (
    FactoryReportInput,
    factory_link_create,
    factory_link_revoke,
    factory_report_allowed,
    factory_report_confirm,
    factory_report_submit,
)
from .views import _order_for_action

DEFAULT_LANGUAGE = "zh-hans"  # the factory floor reads Chinese; the switcher on the page offers English


def _language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


def _private(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # the token never goes to another site
    return response


def _closed(request, link, *, status=200):
    """A page that says in words why the link no longer works and whom to ask."""
    reason = "withdrawn" if link.revoked_at else "expired"
    context = {"link": link, "order": link.order, "merchandiser": link.order.merchandiser, "reason": reason}
    return _private(render(request, "production/factory_closed.html", context, status=status))


def _open_milestones(link):
    return list(
        PlanMilestone.objects.filter(plan__order_id=link.order_id, actual_date__isnull=True).order_by("sequence")
    )


@require_http_methods(["GET", "POST"])
def factory_page(request, token):
    with translation.override(_language(request)):
        link = factory_link_resolve(token=token)
        if link is None:
            security_log.warning("factory link refused ip=%s token_prefix=%s", client_ip(request), token[:6])
            return _private(render(request, "production/factory_unknown.html", status=404))
        if link.revoked_at or link.is_expired:
            return _closed(request, link)
        order = link.order
        if order.status not in (OrderState.ENTERED, OrderState.IN_PRODUCTION):
            return _private(render(request, "production/factory_finished.html", {"order": order}))
        milestones = _open_milestones(link)
        status = 200
        if request.method == "POST":
            form = FactoryReportForm(request.POST, request.FILES, milestones=milestones)
            if not factory_report_allowed(link_id=link.pk, client=client_ip(request)):
                security_log.warning("factory link throttled ip=%s link=%s", client_ip(request), link.pk)
                form.is_valid()
                form.add_error(None, _("Too many reports in the last hour. Please wait a while and send again."))
                status = 429
            elif form.is_valid():
                d = form.cleaned_data
                data = FactoryReportInput(
                    reporter_name=d["reporter_name"],
                    quantity_done=d["quantity_done"],
                    problems=d["problems"],
                    milestones=form.milestones_reached(),
                    photos=tuple(d["photos"]),
                )
                try:
                    factory_report_submit(link_id=link.pk, data=data)
                except DomainError as error:
                    form.add_error(None, error.message)
                    status = 400
                else:
                    messages.success(request, _("Thank you. Your report is sent to the merchandiser."))
                    return _private(redirect("production:factory_page", token=token))
            else:
                status = 400
        else:
            form = FactoryReportForm(milestones=milestones)
        context = {"link": link, "order": order, "run": link.run, "form": form, "token": token}
        return _private(render(request, "production/factory_report.html", context, status=status))


# --- the merchandiser's side, on the order page's Production tab --------------------------------------
def _back(pk):
    return redirect(order_page_url(pk, panel="production"))


@login_required
@require_POST
def factory_link_new(request, pk):
    order = _order_for_action(request, pk)
    run_service(
        request,
        lambda: factory_link_create(order_id=order.pk, actor=request.user),
        _("A new link for the factory is ready. Send it to the factory's contact; the one before stops working."),
    )
    return _back(pk)


@login_required
@require_POST
def factory_link_withdraw(request, pk, link_id):
    order = _order_for_action(request, pk)
    run_service(
        request,
        lambda: factory_link_revoke(order_id=order.pk, link_id=link_id, actor=request.user),
        _("The factory's link is withdrawn: it now says so to whoever opens it."),
    )
    return _back(pk)


@login_required
@require_POST
def factory_report_confirm_view(request, pk, report_id):
    order = _order_for_action(request, pk)
    run_service(
        request,
        lambda: factory_report_confirm(order_id=order.pk, report_id=report_id, actor=request.user),
        _("The factory's report is recorded as today's check-in."),
    )
    return _back(pk)


@login_required
@require_GET
def factory_photo(request, pk, photo_id):
    """A report's photo, to whoever may see the order: never straight from MEDIA_URL. The file is our own
    re-encoded JPEG, so it is shown inline."""
    photo = factory_photo_for_user(user=request.user, order_pk=pk, photo_pk=photo_id)
    if photo is None:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

"""The go-live import page: upload and preview (nothing saved), then import all or nothing. Between the two
steps the file waits on the server as the intake spreadsheet's does (orders.views.intake_files' stash)."""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error
from orders.forms_import import StashForm
from orders.services.spreadsheet_import import MAX_ROWS
from orders.views.intake_files import stash_drop, stash_get, upload_preview_page

from .selectors import golive_job_get, golive_jobs_recent
from .services import golive_job_restart, golive_job_start, golive_parse, job_may_restart
from .template_file import TEMPLATE_FORMATS, template_columns, template_file

STASH_KIND = "golive"


@role_required(Role.SUPERVISOR, Role.MANAGEMENT)
def golive_import_view(request):
    """Bring in the orders under way at go-live: upload, check every row, then import all or none."""
    if request.method == "POST" and request.POST.get("step") == "import":
        return _import(request)
    return upload_preview_page(
        request,
        template="golive/import.html",
        context={
            "max_rows": MAX_ROWS,
            "columns": template_columns(),
            "jobs": golive_jobs_recent(user=request.user),
        },
        parse=partial(golive_parse, actor=request.user),
        stash_kind=STASH_KIND,
        import_form_class=StashForm,
    )


def _import(request):
    form = StashForm(request.POST)
    kept = stash_get(request, form.cleaned_data["stash"], kind=STASH_KIND) if form.is_valid() else None
    if kept is None:
        messages.error(
            request, _("The file is no longer available (it was imported already or it expired). Upload it again.")
        )
        return redirect("golive:import")
    data, name = kept
    try:
        job = golive_job_start(data=data, name=name, actor=request.user)
    except DomainError as error:
        report_error(request, error)
        return redirect("golive:import")
    stash_drop(request, form.cleaned_data["stash"])
    return redirect("golive:job", job_id=job.pk)


@role_required(Role.SUPERVISOR, Role.MANAGEMENT)
def golive_job_view(request, job_id: int):
    """The job's page: follows the import to its end (htmx polls the status while it waits or runs)."""
    job = golive_job_get(user=request.user, job_id=job_id)
    if request.method == "POST":
        try:
            job = golive_job_restart(job_id=job.pk, actor=request.user)
        except DomainError as error:
            report_error(request, error)
        return redirect("golive:job", job_id=job.pk)
    orders_url = f"{reverse('orders:list')}?channel=golive"
    context = {"job": job, "may_restart": job_may_restart(job), "orders_url": orders_url}
    if request.htmx:
        return render(request, "golive/_job_status.html", context)
    return render(request, "golive/job.html", context)


@role_required(Role.SUPERVISOR, Role.MANAGEMENT)
@require_safe
def golive_template(request, fmt: str):
    """The empty template with one example row, its headers in the reader's language."""
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    content, content_type = template_file(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="golive-orders.{fmt}"'
    return response

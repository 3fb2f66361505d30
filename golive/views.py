"""The go-live import page: upload and preview (nothing saved), then import all or nothing. Between the two
steps the file waits on the server as the intake spreadsheet's does (orders.views.intake_files' stash)."""

import logging
from functools import partial

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error
from orders.forms_import import StashForm
from orders.services.spreadsheet_import import MAX_ROWS
from orders.views.intake_files import stash_drop, stash_get, upload_preview_page

from .services import golive_import, golive_parse
from .template_file import TEMPLATE_FORMATS, template_columns, template_file

log = logging.getLogger(__name__)
STASH_KIND = "golive"


@role_required(Role.SUPERVISOR, Role.MANAGEMENT)
def golive_import_view(request):
    """Bring in the orders under way at go-live: upload, check every row, then import all or none."""
    if request.method == "POST" and request.POST.get("step") == "import":
        return _import(request)
    return upload_preview_page(
        request,
        template="golive/import.html",
        context={"max_rows": MAX_ROWS, "columns": template_columns()},
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
    token = form.cleaned_data["stash"]
    try:
        orders = golive_import(uploaded=ContentFile(data, name=name), actor=request.user)
    except DomainError as error:
        report_error(request, error)
        stash_drop(request, token)
        return redirect("golive:import")
    stash_drop(request, token)
    log.info("golive import user=%s orders=%d file=%s", request.user.get_username(), len(orders), name)
    messages.success(
        request,
        ngettext(
            "%(count)d order imported, each in its state.",
            "%(count)d orders imported, each in its state.",
            len(orders),
        )
        % {"count": len(orders)},
    )
    return redirect(f"{reverse('orders:list')}?channel=golive")


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

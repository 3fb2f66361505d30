"""Email (.eml or pasted) and spreadsheet (CSV/XLSX) intake, each in two steps.

Step 1 reads the input and shows what was understood; step 2 saves. Between the steps the original file
waits on the server (MEDIA_ROOT/intake-tmp/, under a random name); the session holds the names this
person may use, so the file never travels back through the browser and cannot be swapped.
"""

import logging
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError, InvalidInput
from core.views import report_error, report_form_errors

from ..forms import OrderHeaderForm, order_input_from_forms, order_lines_formset
from ..forms_import import EmailSourceForm, SpreadsheetImportForm, SpreadsheetUploadForm, StashForm
from ..models import Channel
from ..services.email_intake import email_intake_parse, email_order_create, email_order_initial
from ..services.spreadsheet_import import MAX_ROWS, spreadsheet_import, spreadsheet_parse
from .intake import duplicate_po_warning

log = logging.getLogger(__name__)

# --- the server-side stash between step 1 and step 2 ---------------------------------------------------

STASH_DIR = "intake-tmp"
STASH_SESSION_KEY = "intake_stash"
STASH_MAX_AGE = 24 * 3600  # an abandoned file is swept after a day
STASH_PER_SESSION = 10  # a few tabs at once; older ones are dropped


def _stash_entries(request) -> dict:
    entries = request.session.get(STASH_SESSION_KEY)
    return entries if isinstance(entries, dict) else {}


def _stash_sweep() -> None:
    try:
        _dirs, files = default_storage.listdir(STASH_DIR)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    cutoff = time.time() - STASH_MAX_AGE
    for name in files:
        path = f"{STASH_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path).timestamp() < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def _stash_bytes() -> int:
    try:
        _dirs, files = default_storage.listdir(STASH_DIR)
    except (FileNotFoundError, NotImplementedError, OSError):
        return 0
    total = 0
    for name in files:
        try:
            total += default_storage.size(f"{STASH_DIR}/{name}")
        except (FileNotFoundError, NotImplementedError, OSError):
            continue  # used or swept meanwhile
    return total


def stash_put(request, *, data: bytes, name: str, kind: str) -> str:
    """Keep `data` until step 2; returns the key the page sends back. Refused (InvalidInput, nothing kept)
    when every session's waiting files together would pass settings.INTAKE_TMP_MAX_BYTES."""
    _stash_sweep()
    if _stash_bytes() + len(data) > settings.INTAKE_TMP_MAX_BYTES:
        log.warning("intake stash full user=%s size=%d", request.user.get_username(), len(data))
        raise InvalidInput(
            _(
                "The server is holding too many uploads waiting for their second step. Nothing was saved: "
                "try again in a few minutes, and tell the administrator if this goes on."
            )
        )
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{STASH_DIR}/{token}.bin", ContentFile(data))
    entries = _stash_entries(request)
    entries[token] = {"path": path, "name": name, "kind": kind, "at": time.time()}
    for old in sorted(entries, key=lambda t: entries[t].get("at", 0))[:-STASH_PER_SESSION]:
        default_storage.delete(entries.pop(old)["path"])
    request.session[STASH_SESSION_KEY] = entries
    return token


def stash_get(request, token: str, *, kind: str) -> tuple[bytes, str] | None:
    """The kept bytes and original file name, if this session holds `token` for `kind`."""
    entry = _stash_entries(request).get(token)
    if not entry or entry.get("kind") != kind:
        return None
    try:
        with default_storage.open(entry["path"], "rb") as handle:
            return handle.read(), entry["name"]
    except (FileNotFoundError, OSError):
        return None


def stash_drop(request, token: str) -> None:
    entries = _stash_entries(request)
    entry = entries.pop(token, None)
    if entry:
        default_storage.delete(entry["path"])
        request.session[STASH_SESSION_KEY] = entries


def _stashed(request, kind: str, form_class):
    """The bound stash form and the kept bytes of a step-2 POST (bytes None when gone)."""
    form = form_class(request.POST)
    if not form.is_valid():
        return form, None, ""
    kept = stash_get(request, form.cleaned_data["stash"], kind=kind)
    if kept is None:
        return form, None, ""
    return form, kept[0], kept[1]


# --- email -------------------------------------------------------------------------------------------


@role_required(Role.MERCHANDISER)
def intake_email(request):
    """Take an order from a customer's email: paste it or upload the .eml, then complete the order."""
    if request.method == "POST" and request.POST.get("step") == "save":
        return _email_save(request)
    source = EmailSourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if source.is_valid():
            raw = source.raw_bytes()
            try:
                parsed = email_intake_parse(raw)
                token = stash_put(request, data=raw, name=source.source_name(), kind="email")
            except DomainError as error:
                source.add_error(None, error.message)
            else:
                header = OrderHeaderForm(prefix="order", initial=email_order_initial(parsed))
                lines = order_lines_formset(user=request.user)
                return _email_order_page(request, parsed, token, header, lines)
        report_form_errors(request, source)
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/intake_email.html", {"source": source}, status=status)


def _email_order_page(request, parsed, token, header, lines, duplicates=(), status=200):
    context = {
        "email": parsed,
        "stash": StashForm(initial={"stash": token}),
        "header": header,
        "lines": lines,
        "duplicates": duplicates,
        "channel": Channel.EMAIL,
    }
    return render(request, "orders/intake_email.html", context, status=status)


def _email_save(request):
    stash, raw, _name = _stashed(request, "email", StashForm)
    if raw is None:
        messages.error(
            request, _("The email is no longer available (it was saved already or it expired). Add it again.")
        )
        return redirect("orders:intake_email")
    token = stash.cleaned_data["stash"]
    try:
        parsed = email_intake_parse(raw)
    except DomainError as error:
        stash_drop(request, token)
        report_error(request, error)
        return redirect("orders:intake_email")
    header = OrderHeaderForm(request.POST, prefix="order")
    lines = order_lines_formset(request.POST, user=request.user)
    duplicates = []
    if header.is_valid() and lines.is_valid():
        duplicates = duplicate_po_warning(header)
        if not duplicates:
            try:
                order = email_order_create(data=order_input_from_forms(header, lines), email=parsed, actor=request.user)
            except DomainError as error:
                report_error(request, error)
            else:
                stash_drop(request, token)
                messages.success(
                    request,
                    _("Order received from the email, which is attached to it. Next: verify it and confirm."),
                )
                return redirect("orders:detail", pk=order.pk)
    else:
        report_form_errors(request, header)
    return _email_order_page(request, parsed, token, header, lines, duplicates, status=400)


# --- spreadsheet -------------------------------------------------------------------------------------


@role_required(Role.MERCHANDISER)
def intake_spreadsheet(request):
    """Import orders from a spreadsheet: upload and preview (nothing saved), then import all or nothing."""
    if request.method == "POST" and request.POST.get("step") == "import":
        return _sheet_import(request)
    context = {"max_rows": MAX_ROWS}
    return upload_preview_page(
        request,
        template="orders/intake_spreadsheet.html",
        context=context,
        parse=spreadsheet_parse,
        stash_kind="sheet",
        import_form_class=SpreadsheetImportForm,
    )


def upload_preview_page(request, *, template: str, context: dict, parse, stash_kind: str, import_form_class):
    """The upload step of a spreadsheet import (the intake's, the go-live's): read the file with `parse`
    (saves nothing) and show its preview; a file without problems waits in the stash for the import step."""
    upload = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    context["upload"] = upload
    if request.method == "POST":
        if upload.is_valid():
            try:
                preview = parse(upload.cleaned_data["file"])
            except DomainError as error:
                upload.add_error("file", error.message)
            else:
                context["preview"] = preview
                if preview.ok:
                    try:
                        token = stash_put(request, data=preview.content, name=preview.filename, kind=stash_kind)
                    except DomainError as error:
                        report_error(request, error)
                        context["upload"] = SpreadsheetUploadForm()
                        return render(request, template, context, status=400)
                    context["import_form"] = import_form_class(initial={"stash": token})
                    return render(request, template, context)
                messages.error(
                    request, _("The file has errors. Nothing was saved: correct the file and upload it again.")
                )
                context["upload"] = SpreadsheetUploadForm()
                return render(request, template, context, status=400)
        report_form_errors(request, upload)
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


def _sheet_import(request):
    form, data, name = _stashed(request, "sheet", SpreadsheetImportForm)
    if data is None:
        messages.error(
            request, _("The file is no longer available (it was imported already or it expired). Upload it again.")
        )
        return redirect("orders:intake_spreadsheet")
    token = form.cleaned_data["stash"]
    try:
        orders = spreadsheet_import(
            preview_or_file=ContentFile(data, name=name),
            actor=request.user,
            allow_duplicates=form.cleaned_data["confirm_duplicates"],
        )
    except DomainError as error:
        report_error(request, error)
        try:
            preview = spreadsheet_parse(ContentFile(data, name=name))
        except DomainError:
            stash_drop(request, token)
            return redirect("orders:intake_spreadsheet")
        context = {"upload": SpreadsheetUploadForm(), "max_rows": MAX_ROWS, "preview": preview}
        if preview.ok:
            context["import_form"] = form
        else:
            stash_drop(request, token)
        return render(request, "orders/intake_spreadsheet.html", context, status=400)
    stash_drop(request, token)
    log.info("spreadsheet import user=%s orders=%d file=%s", request.user.get_username(), len(orders), name)
    messages.success(
        request,
        ngettext(
            "%(count)d order imported. Each has the spreadsheet attached.",
            "%(count)d orders imported. Each has the spreadsheet attached.",
            len(orders),
        )
        % {"count": len(orders)},
    )
    return redirect("orders:list")

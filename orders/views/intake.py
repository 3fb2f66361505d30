from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error, report_form_errors

from ..forms import OrderHeaderForm, order_input_from_forms, order_lines_formset
from ..models import Channel
from ..selectors import orders_with_same_po, product_for_style
from ..services import order_create


def duplicate_po_warning(header: OrderHeaderForm):
    """Existing orders with the same customer PO, unless the person already said to save anyway. When there
    are some, the form asks the question from then on."""
    d = header.cleaned_data
    if d.get("confirm_duplicate"):
        return []
    duplicates = list(
        orders_with_same_po(customer=d["customer"], customer_po=d.get("customer_po", "")).select_related("customer")[:5]
    )
    if duplicates:
        header.ask_about_duplicates()
    return duplicates


@role_required(Role.MERCHANDISER)
def intake_phone(request):
    """Take an order by phone: a quick form with lines."""
    header = OrderHeaderForm(request.POST or None, prefix="order")
    lines = order_lines_formset(request.POST or None, user=request.user)
    duplicates = []
    if request.method == "POST":
        if header.is_valid() and lines.is_valid():
            duplicates = duplicate_po_warning(header)
            if not duplicates:
                try:
                    order = order_create(
                        data=order_input_from_forms(header, lines), channel=Channel.PHONE, actor=request.user
                    )
                except DomainError as error:
                    report_error(request, error)
                else:
                    messages.success(
                        request,
                        _("Order received. Next: verify it against the checklist and confirm with the customer."),
                    )
                    return redirect("orders:detail", pk=order.pk)
        else:
            report_form_errors(request, header)
    context = {"header": header, "lines": lines, "duplicates": duplicates, "channel": Channel.PHONE}
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/intake_phone.html", context, status=status)


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.MANAGEMENT)
def product_lookup(request):
    """What a style number fills in on the intake grid: the product's description and unit, as JSON. Only
    products the person may see are found; an unknown number answers found: false."""
    product = product_for_style(user=request.user, style_no=request.GET.get("style_no", ""))
    if product is None:
        return JsonResponse({"found": False})
    return JsonResponse(
        {"found": True, "style_no": product.style_no, "description": product.name, "unit": product.unit_id}
    )

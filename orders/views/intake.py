from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error, report_form_errors

from ..forms import OrderHeaderForm, OrderLineFormSet, order_input_from_forms
from ..models import Channel
from ..selectors import orders_with_same_po
from ..services import order_create


def duplicate_po_warning(header: OrderHeaderForm):
    """Existing orders with the same customer PO, unless the person already said to save anyway."""
    d = header.cleaned_data
    if d.get("confirm_duplicate"):
        return []
    return list(
        orders_with_same_po(customer=d["customer"], customer_po=d.get("customer_po", "")).select_related("customer")[:5]
    )


@role_required(Role.MERCHANDISER)
def intake_phone(request):
    """Take an order by phone: a quick form with lines."""
    header = OrderHeaderForm(request.POST or None, prefix="order")
    lines = OrderLineFormSet(request.POST or None, prefix="lines")
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

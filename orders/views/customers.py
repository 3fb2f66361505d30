import django_tables2 as tables
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from accounts.decorators import role_required
from accounts.roles import Role

from ..forms import CustomerForm
from ..models import Customer
from ..selectors import customers_visible_to


class CustomerTable(tables.Table):
    code = tables.Column(verbose_name=gettext_lazy("Code"), linkify=("orders:customer_edit", {"pk": tables.A("pk")}))
    name_zh = tables.Column(verbose_name=gettext_lazy("Name (Chinese)"))
    name_en = tables.Column(verbose_name=gettext_lazy("Name (English)"))
    country = tables.Column(verbose_name=gettext_lazy("Country"))
    merchandiser = tables.Column(verbose_name=gettext_lazy("Usual merchandiser"))

    class Meta:
        model = Customer
        fields = ("code", "name_zh", "name_en", "country", "email", "phone", "merchandiser")
        attrs = {"class": "table"}


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)
def customer_list(request):
    table = CustomerTable(customers_visible_to(request.user))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "orders/customer_list.html", {"table": table})


@role_required(Role.MERCHANDISER, Role.SUPERVISOR)
def customer_edit(request, pk=None):
    customer = get_object_or_404(customers_visible_to(request.user), pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Customer saved."))
        return redirect("orders:customer_list")
    return render(
        request,
        "orders/customer_form.html",
        {"form": form, "customer": customer},
        status=400 if form.errors else 200,
    )

import django_tables2 as tables
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.params import table_paginate
from core.views import report_error

from .. import hooks
from ..forms import CustomerContactFormSet, CustomerForm, ProductForm
from ..models import Customer, Product
from ..selectors import customer_history, customers_visible_to
from ..services.master_data import customer_save, product_save


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
    table_paginate(request, table, per_page=50, paginator_class=Paginator)
    return render(request, "orders/customer_list.html", {"table": table})


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)
def customer_edit(request, pk=None):
    """Add or change a customer. Who may change what: orders.permissions (customers); others see it read-only."""
    customer = get_object_or_404(customers_visible_to(request.user), pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=customer, actor=request.user)
    contacts = CustomerContactFormSet(
        request.POST or None,
        instance=customer,
        prefix="contacts",
        form_kwargs={"editable": form.editable, "routable": form.routable},
    )
    if request.method == "POST":
        if not form.editable:
            messages.error(
                request,
                _("Only the customer's merchandiser, the supervisor of their team and management may change it."),
            )
            return redirect("orders:customer_edit", pk=customer.pk)
        if form.is_valid() and contacts.is_valid():
            try:
                customer_save(
                    actor=request.user, form=form, contacts=contacts, reason=form.cleaned_data.get("reason", "")
                )
            except DomainError as error:
                report_error(request, error)
            else:
                messages.success(request, _("Customer saved."))
                return redirect("orders:customer_list")
        else:
            messages.error(request, _("Please correct the errors below."))
    context = {
        "form": form,
        "contacts": contacts,
        "customer": customer,
        "history": customer_history(customer=customer) if customer else [],
        "links": hooks.customer_links(customer=customer, user=request.user) if customer else [],
        "panels": hooks.customer_panels(customer=customer, user=request.user) if customer else [],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/customer_form.html", context, status=status)


class ProductTable(tables.Table):
    style_no = tables.Column(
        verbose_name=gettext_lazy("Style"), linkify=("orders:product_edit", {"pk": tables.A("pk")})
    )

    class Meta:
        model = Product
        fields = ("style_no", "name_zh", "name_en", "product_type", "colour", "material", "unit")
        attrs = {"class": "table"}


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.MANAGEMENT)
def product_list(request):
    table = ProductTable(Product.objects.select_related("unit"))
    table_paginate(request, table, per_page=50, paginator_class=Paginator)
    return render(request, "orders/product_list.html", {"table": table})


@role_required(Role.MERCHANDISER, Role.SUPERVISOR)
def product_edit(request, pk=None):
    product = get_object_or_404(Product, pk=pk) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST":
        if form.is_valid():
            product_save(form=form)
            messages.success(request, _("Product saved."))
            return redirect("orders:product_list")
        messages.error(request, _("Please correct the errors below."))
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/product_form.html", {"form": form, "product": product}, status=status)

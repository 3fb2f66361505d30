import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import YesNoFilter

from .models import Channel, Customer, Order, OrderState
from .selectors import owner_scope, owners_visible_to

MAX_ID = 2**63 - 1  # the largest value of a 64-bit id column


class LazySelect(forms.Select):
    """A long select (every customer, every merchandiser) rendered with its chosen option only; htmx
    fills in the others from `orders:filter_options` once the page has loaded, and the browser keeps
    that fragment for a minute. Rendering 2,000 customers into every list page cost ~150 ms and 120 KB."""

    def __init__(self, *, field_name: str, attrs=None):
        super().__init__(attrs=attrs)
        self.field_name = field_name

    def get_context(self, name, value, attrs):
        url = reverse_lazy("orders:filter_options", kwargs={"field": self.field_name})
        attrs = {**(attrs or {}), "hx-get": url, "hx-trigger": "load", "hx-swap": "innerHTML"}
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        # The empty choice and the chosen one only: the queryset of every choice is never read here.
        # Only ids a database column can hold: a longer run of digits is no row (and SQLite would overflow).
        chosen = [v for v in value if str(v).isdigit() and int(v) <= MAX_ID]
        iterator = self.choices
        choices = [("", iterator.field.empty_label or "")]
        if chosen:
            choices += [iterator.choice(obj) for obj in iterator.queryset.filter(pk__in=chosen)]
        self.choices = choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


class OwnerFilter(django_filters.ModelChoiceFilter):
    """An owner (merchandiser) filter that offers only the people the viewer may see
    (orders.selectors.owners_visible_to): a supervisor their team, a merchandiser themself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", lambda request: owners_visible_to(request.user))
        super().__init__(*args, **kwargs)


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("State"), choices=OrderState.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=Customer.objects.all(), widget=LazySelect(field_name="customer")
    )
    merchandiser = OwnerFilter(label=_("Merchandiser"), widget=LazySelect(field_name="merchandiser"))
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = django_filters.DateFilter(
        label=_("Received to"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_overdue = YesNoFilter(label=_("Overdue"))
    is_at_risk = YesNoFilter(label=_("At risk"))
    is_on_hold = YesNoFilter(label=_("On hold"))

    class Meta:
        model = Order
        fields = ()

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # A merchandiser sees only their own orders: an owner filter would offer them themself alone.
        if owner_scope(request.user).startswith("self-"):
            self.filters.pop("merchandiser")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Exact prefixes first: order numbers and POs are typed or pasted whole. The matching customers
        # are looked up first (a small table): an OR that reaches into the customer join cannot use an
        # index and read all million orders; with their ids, each branch is an index lookup.
        customer_ids = list(
            Customer.objects.filter(
                Q(code__iexact=value) | Q(name_zh__icontains=value) | Q(name_en__icontains=value)
            ).values_list("pk", flat=True)
        )
        return queryset.filter(
            Q(number__istartswith=value) | Q(customer_po__istartswith=value) | Q(customer_id__in=customer_ids)
        )

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderState

from .selectors import STAGE_LABELS

DATE_INPUT = django_filters.widgets.forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PortalOrderFilter(django_filters.FilterSet):
    """The customer's own order list: search by number, PO or style; by stage and promised delivery date.
    The queryset it filters is already the customer's (customer_portal.selectors.portal_orders)."""

    q = django_filters.CharFilter(label=_("Order, PO or style"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Stage"), choices=[(state.value, STAGE_LABELS[state]) for state in OrderState]
    )
    delivery_from = django_filters.DateFilter(
        label=_("Delivery from"), field_name="delivery_date", lookup_expr="gte", widget=DATE_INPUT
    )
    delivery_to = django_filters.DateFilter(
        label=_("Delivery to"), field_name="delivery_date", lookup_expr="lte", widget=DATE_INPUT
    )

    class Meta:
        model = Order
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        styled = Order.objects.filter(lines__product__style_no__istartswith=value).values("pk")
        return queryset.filter(Q(number__istartswith=value) | Q(customer_po__istartswith=value) | Q(pk__in=styled))

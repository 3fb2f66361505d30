import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.models import Case, CaseStatus, Feedback
from documents.models import Document, DocumentKind
from logistics.models import Shipment
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


class PortalShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Order, PO or tracking number"), method="search", max_length=100)
    delivered = django_filters.ChoiceFilter(
        label=_("Delivered"),
        choices=[("yes", _("Delivered")), ("no", _("On its way"))],
        method="filter_delivered",
    )

    class Meta:
        model = Shipment
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(order__number__istartswith=value)
            | Q(order__customer_po__istartswith=value)
            | Q(tracking_number__istartswith=value)
        )

    def filter_delivered(self, queryset, name, value):
        return queryset.filter(delivered_on__isnull=value != "yes")


class PortalDocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Order or PO"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Document"), choices=DocumentKind.choices)

    class Meta:
        model = Document
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(order__number__istartswith=value) | Q(order__customer_po__istartswith=value))


class PortalCaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Order, PO or subject"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)

    class Meta:
        model = Case
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(order__number__istartswith=value) | Q(order__customer_po__istartswith=value) | Q(subject__icontains=value)
        )


class PortalSurveyFilter(django_filters.FilterSet):
    """The customer's own survey answers: by order, PO or comment, and the ones with a low score."""

    q = django_filters.CharFilter(label=_("Order, PO or comment"), method="search", max_length=100)
    low = django_filters.ChoiceFilter(
        label=_("A score at or below"),
        choices=[(str(n), str(n)) for n in range(1, 5)],
        method="filter_low",
    )

    class Meta:
        model = Feedback
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(order__number__istartswith=value) | Q(order__customer_po__istartswith=value) | Q(comment__icontains=value)
        )

    def filter_low(self, queryset, name, value):
        score = int(value)
        return queryset.filter(Q(quality__lte=score) | Q(delivery__lte=score) | Q(communication__lte=score))

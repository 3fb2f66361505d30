"""What the customer sees of their order. Everything here is customer-safe: no owner, no root cause, no
SLA flag, no internal note, no price, no other order."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from aftersales.models import NOT_CLOSED_CASE_STATES, Case, Feedback, FeedbackSource
from aftersales.selectors import order_survey
from aftersales.services import CASE_ORDER_STATES
from documents.models import Document
from logistics.models import Shipment
from logistics.selectors import order_shipments, service_period_end
from orders import hooks
from orders.models import (
    Customer,
    CustomerApiToken,
    CustomerContact,
    Order,
    OrderState,
    Promise,
    PromiseKind,
    PromiseStatus,
)
from orders.permissions import contact_customer_id
from orders.services.promises import PROMISE_STATES

# The customer's words for the stages (the staff's state names are internal).
STAGE_LABELS = {
    OrderState.RECEIVED: _("Order received"),
    OrderState.CONFIRMED: _("Confirmed"),
    OrderState.ENTERED: _("Registered"),
    OrderState.IN_PRODUCTION: _("In production"),
    OrderState.SHIPPED: _("Shipped"),
    OrderState.AFTER_SALES: _("Delivered"),
    OrderState.CLOSED: _("Completed"),
    OrderState.CANCELLED: _("Cancelled"),
}

JOURNEY = [
    OrderState.RECEIVED,
    OrderState.CONFIRMED,
    OrderState.ENTERED,
    OrderState.IN_PRODUCTION,
    OrderState.SHIPPED,
    OrderState.AFTER_SALES,
    OrderState.CLOSED,
]


def order_journey(*, order: Order) -> list[dict]:
    """The stages as steps: done, current or to come. A cancelled order shows no journey."""
    if order.status == OrderState.CANCELLED:
        return []
    current = JOURNEY.index(order.status)
    return [
        {"state": state, "label": STAGE_LABELS[state], "done": i < current, "current": i == current}
        for i, state in enumerate(JOURNEY)
    ]


def portal_context(*, order: Order) -> dict:
    shipments = order_shipments(order=order)
    cases = list(order.cases.filter(status__in=NOT_CLOSED_CASE_STATES).order_by("-opened_at", "-id"))
    return {
        "order": order,
        "customer": order.customer,
        "journey": order_journey(order=order),
        "stage": STAGE_LABELS[order.status],
        "milestones": hooks.customer_milestones(order),
        "lines": list(order.lines.select_related("unit", "product").order_by("line_no")),
        "shipments": shipments,
        "service_ends": service_period_end(order=order) if shipments else None,
        "cases": cases,
        "survey": order_survey(order=order),
        "survey_open": order.status == OrderState.AFTER_SALES,
        "cases_open": order.status in CASE_ORDER_STATES,
        "new_date": latest_new_date(order=order),
    }


def latest_new_date(*, order: Order) -> Promise | None:
    """The latest approved new date, while the order can still get one or the customer has answered it."""
    promise = (
        Promise.objects.filter(order=order, kind=PromiseKind.CHANGE, status=PromiseStatus.APPROVED)
        .order_by("-sequence")
        .first()
    )
    if promise is None or not (promise.customer_answer or order.status in PROMISE_STATES):
        return None
    return promise


# --- the signed-in portal: every read starts from the contact's own customer -----------------------------
def portal_customer(user) -> Customer:
    """The company whose portal `user` signs in to. Anyone else: 404 (the portal does not exist for them)."""
    customer_id = contact_customer_id(user)
    if customer_id is None:
        raise Http404
    return Customer.objects.get(pk=customer_id)


def portal_orders(*, customer: Customer) -> QuerySet[Order]:
    """The customer's orders, newest first. Received orders are listed too: the customer sent them."""
    return Order.objects.filter(customer=customer).select_related("customer").order_by("-received_at", "-id")


def portal_order(*, customer: Customer, pk) -> Order:
    """One of the customer's orders; another company's (or no) order is a 404."""
    order = Order.objects.select_related("customer", "merchandiser").filter(customer=customer, pk=pk).first()
    if order is None:
        raise Http404
    return order


def portal_shipments(*, customer: Customer) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(order__customer=customer)
        .select_related("order__customer", "carrier")
        .order_by("-ship_date", "-id")
    )


def portal_documents(*, customer: Customer) -> QuerySet[Document]:
    """The stored PI and packing-list PDFs of the customer's orders, every version, newest first."""
    return (
        Document.objects.filter(order__customer=customer)
        .select_related("order__customer", "shipment")
        .order_by("-uploaded_at", "-id")
    )


def portal_document(*, customer: Customer, pk) -> Document:
    document = Document.objects.filter(order__customer=customer, pk=pk).first()
    if document is None:
        raise Http404
    return document


def portal_cases(*, customer: Customer) -> QuerySet[Case]:
    """The customer's requests (after-sales cases), what the status page shows of each: no root cause."""
    return Case.objects.filter(customer=customer).select_related("order__customer").order_by("-opened_at", "-id")


def portal_surveys(*, customer: Customer) -> QuerySet[Feedback]:
    """The customer's own survey answers (staff notes of calls and visits are internal)."""
    return (
        Feedback.objects.filter(customer=customer, order__customer=customer, source=FeedbackSource.SURVEY)
        .select_related("order__customer")
        .order_by("-updated_at", "-id")
    )


def portal_counts(*, customer: Customer) -> dict:
    """The portal home's numbers: open orders, orders on their way, open requests."""
    orders = Order.objects.filter(customer=customer).aggregate(
        open=Count("id", filter=~Q(status__in=(OrderState.CLOSED, OrderState.CANCELLED))),
        shipped=Count("id", filter=Q(status=OrderState.SHIPPED)),
    )
    return {
        "open_orders": orders["open"],
        "shipped_orders": orders["shipped"],
        "open_cases": Case.objects.filter(customer=customer, status__in=NOT_CLOSED_CASE_STATES).count(),
        "shipments": Shipment.objects.filter(order__customer=customer).count(),
    }


def portal_api_tokens(*, customer: Customer) -> QuerySet[CustomerApiToken]:
    return CustomerApiToken.objects.filter(customer=customer).order_by("revoked_at", "-created_at")


def customer_contacts_access(*, customer: Customer) -> list[CustomerContact]:
    """The customer's contacts with their portal login, for the staff panel on the customer's page."""
    return list(CustomerContact.objects.filter(customer=customer).select_related("user").order_by("name", "pk"))

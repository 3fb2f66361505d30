"""Logistics and after-sales in the demo: shipments for the shipped, after-sales and closed orders, one
partial shipment, cases of several types and severities (one close to its SLA breach), a survey answer,
call feedback, improvement suggestions in every state, and the customers' status links.

Everything goes through the services, so each step has its work record and its customer email in the
outbox. `advance` is called by the loader while it builds the orders (once); `load` at the end is
idempotent: a second run finds the demo's cases and suggestions and changes nothing.
"""

import random
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from aftersales.models import Case, CaseChannel, CaseType, Feedback, Severity
from aftersales.services import (
    CaseInput,
    case_open,
    case_transition,
    case_update,
    cases_reschedule,
    feedback_log,
    feedback_submit_survey,
)
from aftersales.sla import calendar
from logistics.carriers import COMMON_CARRIERS
from logistics.models import Carrier, Shipment, ShipmentMode
from logistics.selectors import shipping_progress
from logistics.services import (
    LinePacking,
    ShipmentInput,
    shipment_confirm_delivery,
    shipment_create,
    status_link_ensure,
)
from orders.models import Order, OrderState
from orders.services import order_transition
from supervision.models import Suggestion, SuggestionTopic
from supervision.services.suggestions import suggestion_submit, suggestion_transition

DEMO_CUSTOMERS = ["NORD", "PACI", "HANS", "SHGM", "SAKU", "GZBL"]


def _carriers() -> list[Carrier]:
    carriers = []
    for code, zh, en, mode, url in COMMON_CARRIERS:
        carrier, _ = Carrier.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "default_mode": mode, "tracking_url": url}
        )
        carriers.append(carrier)
    return carriers


def _tracking(carrier: Carrier, order: Order, n: int) -> str:
    if carrier.default_mode == ShipmentMode.SEA:
        return f"{carrier.code[:4].upper()}{order.pk:06d}{n}"
    if carrier.default_mode == ShipmentMode.AIR:
        return f"999-{order.pk:07d}{n}"
    if carrier.default_mode == ShipmentMode.EXPRESS:
        return f"SF{order.pk:010d}{n}"
    return ""


def _packing(quantities: dict) -> dict:
    """Cartons of 50, about 0.3 kg a piece and 1.2 kg of carton: what a packing list shows."""
    packing = {}
    for line_id, quantity in quantities.items():
        cartons = int((Decimal(quantity) / 50).to_integral_value(rounding=ROUND_CEILING))
        net = (Decimal(quantity) * Decimal("0.3")).quantize(Decimal("0.01"))
        packing[line_id] = LinePacking(
            cartons=cartons, per_carton=Decimal("50"), net_kg=net, gross_kg=net + cartons * Decimal("1.2")
        )
    return packing


def _ship(order: Order, carrier: Carrier, quantities: dict, n: int) -> Shipment:
    today = timezone.localdate()
    return shipment_create(
        order_id=order.pk,
        actor=order.merchandiser,
        data=ShipmentInput(
            carrier=carrier,
            mode=carrier.default_mode,
            tracking_number=_tracking(carrier, order, n),
            ship_date=today,
            eta=today + timedelta(days=28 if carrier.default_mode == ShipmentMode.SEA else 4),
            quantities=quantities,
            packing=_packing(quantities),
            notes="整柜 FCL 1x40HQ" if carrier.default_mode == ShipmentMode.SEA else "",
        ),
    )


def advance(order: Order, target: str) -> None:
    """Carry an in-production demo order on to `target` (shipped, after_sales or closed) the way people
    do it: shipments (two for an order of several lines), delivery, and closing. Derived from the order,
    not from the loader's random sequence, so the rest of the demo stays as it was."""
    carriers = _carriers()
    carrier = carriers[order.pk % len(carriers)]
    lines = list(order.lines.order_by("line_no"))
    if len(lines) > 1:  # two consignments: the first line ahead, the rest after
        shipments = [
            _ship(order, carrier, {lines[0].pk: lines[0].quantity}, 1),
            _ship(order, carrier, {line.pk: line.quantity for line in lines[1:]}, 2),
        ]
    else:
        shipments = [_ship(order, carrier, {lines[0].pk: lines[0].quantity}, 1)]
    if target == OrderState.SHIPPED:
        return
    for shipment in shipments:
        shipment_confirm_delivery(
            shipment_id=shipment.pk,
            actor=order.merchandiser,
            delivered_on=timezone.localdate(),
            received_by="仓库 Warehouse",
        )
    if target == OrderState.CLOSED:
        # Demo fiction: these orders were delivered "long ago", so their service period is over.
        with override_settings(AFTERSALES_SERVICE_PERIOD_DAYS=0):
            order_transition(
                order_id=order.pk,
                name="close",
                actor=order.merchandiser,
                note="售后期满，客户无异议 / service period over, no open issue",
            )


def _demo_orders():
    return Order.objects.filter(customer__code__in=DEMO_CUSTOMERS).select_related("customer", "merchandiser")


def _partial_shipment(orders) -> int:
    in_production = orders.filter(status=OrderState.IN_PRODUCTION).order_by("pk")
    if Shipment.objects.filter(order__in=in_production).exists():
        return 0
    for order in in_production:
        progress = [row for row in shipping_progress(order=order) if row["remaining"] > 0]
        if progress:
            line = progress[0]["line"]
            half = (line.quantity / 2).quantize(Decimal("1"))
            carrier = Carrier.objects.get(code="zj-truck")
            _ship(order, carrier, {line.pk: half}, 1)
            return 1
    return 0


def _near_breach(case: Case) -> None:
    """Demo fiction: the customer called a while ago, so 80 % of the first-response time is used."""
    opened = calendar().subtract(timezone.now(), case.response_target_minutes * 60 * 0.8)
    Case.objects.filter(pk=case.pk).update(opened_at=opened)
    cases_reschedule(case_ids=[case.pk])


CASES = [
    # type, severity, channel, subject, description, then what happens next
    (
        CaseType.COMPLAINT,
        Severity.URGENT,
        CaseChannel.PHONE,
        "纸箱破损 / Damaged cartons on arrival",
        "客户电话：到港后 6 箱外箱破损，内包装受潮。/ 6 cartons crushed at arrival, inner bags damp.",
        "near_breach",
    ),
    (
        CaseType.QUALITY,
        Severity.HIGH,
        CaseChannel.EMAIL,
        "色差 / Shade variation between lots",
        "Lot 2 is visibly darker than the approved sample. Photos attached in the customer's email.",
        "waiting",
    ),
    (
        CaseType.SHORT_SHIPMENT,
        Severity.MEDIUM,
        CaseChannel.STATUS_PAGE,
        "Short by 24 pieces",
        "We counted 24 pieces fewer than the packing list for style TS-1001, size M.",
        "open",
    ),
    (
        CaseType.INQUIRY,
        Severity.LOW,
        CaseChannel.EMAIL,
        "洗涤说明 / Care label wording",
        "Can the care label show 30 °C instead of 40 °C for the next order?",
        "resolved",
    ),
    (
        CaseType.RETURN,
        Severity.MEDIUM,
        CaseChannel.PHONE,
        "退货 12 件 / Return of 12 pieces with broken zips",
        "Customer returns 12 jackets; zip pullers broke on first use.",
        "in_progress",
    ),
]


def _cases(orders) -> int:
    after_sales = list(orders.filter(status=OrderState.AFTER_SALES).order_by("pk"))
    if not after_sales or Case.objects.filter(order__in=orders).exists():
        return 0
    for i, (case_type, severity, channel, subject, description, then) in enumerate(CASES):
        order = after_sales[i % len(after_sales)]
        contact = order.customer.contacts.first()
        case = case_open(
            order_id=order.pk,
            actor=None if channel == CaseChannel.STATUS_PAGE else order.merchandiser,
            data=CaseInput(
                case_type=case_type,
                severity=severity,
                channel=channel,
                subject=subject,
                description=description,
                contact_name=contact.name if contact else "",
                contact_email=contact.email if contact else "",
            ),
        )
        actor = order.merchandiser
        if then == "near_breach":
            _near_breach(case)
        elif then == "waiting":
            case_transition(case_id=case.pk, name="start", actor=actor, note="已回电 / called back")
            case_transition(
                case_id=case.pk, name="wait_on_customer", actor=actor, note="等客户寄回色样 / waiting for swatches"
            )
        elif then == "in_progress":
            case_transition(case_id=case.pk, name="start", actor=actor, note="安排质检 / QA to inspect returns")
            case_update(
                case_id=case.pk,
                actor=actor,
                root_cause="拉链头供应商批次不良 / faulty batch of zip pullers from the trims supplier",
                corrective_action="更换供应商并 100% 拉力测试 / new supplier, 100 % pull test",
            )
        elif then == "resolved":
            case_transition(
                case_id=case.pk,
                name="resolve",
                actor=actor,
                resolution="下单起改为 30 °C / 30 °C from the next order on",
            )
    return len(CASES)


def _feedback(orders) -> int:
    if Feedback.objects.filter(order__in=orders).exists():
        return 0
    after_sales = list(orders.filter(status=OrderState.AFTER_SALES).order_by("pk"))
    if not after_sales:
        return 0
    feedback_submit_survey(
        order_id=after_sales[0].pk,
        quality=4,
        delivery=5,
        communication=5,
        comment="Delivered on time, quick answers. A few cartons were damaged.",
        contact_name="Anna Berg",
    )
    last = after_sales[-1]
    feedback_log(
        order_id=last.pk,
        actor=last.merchandiser,
        source="call",
        quality=3,
        delivery=4,
        communication=4,
        comment="电话回访：面料手感好，但有色差。/ Call: good hand feel, some shade variation.",
        contact_name="采购部 Purchasing",
    )
    return 2


SUGGESTIONS = [
    # author, supervisor, title, body, topic, steps [(transition, comment)]
    (
        "merch.li",
        "sup.zhao",
        "装箱单提前发货代 / Send the packing list to the forwarder a day earlier",
        "货代每次都要等装箱单才能订舱，提前一天可以赶上更早的船期。",
        SuggestionTopic.LOGISTICS,
        [],
    ),
    (
        "merch.wang",
        "sup.zhao",
        "Weekly check of carrier ETAs",
        "Every Monday, compare the carriers' ETAs with our promised dates and warn customers early.",
        SuggestionTopic.CUSTOMER,
        [("review", "下周例会讨论 / to discuss at the weekly meeting")],
    ),
    (
        "merch.zhang",
        "sup.sun",
        "色样双签 / Shade approval signed by both QA and the customer",
        "色差投诉多次出现，建议大货前色样由质检和客户双方签字确认。",
        SuggestionTopic.PROCESS,
        [("review", "已与 QA 讨论 / discussed with QA"), ("adopt", "从下月起执行 / in force from next month")],
    ),
    (
        "merch.chen",
        "sup.sun",
        "Daily SMS to customers",
        "Send every customer a daily SMS with the order status.",
        SuggestionTopic.SYSTEM,
        [("decline", "状态页已满足需求，短信成本高 / the status page covers it; SMS is costly")],
    ),
]


def _suggestions() -> int:
    made = 0
    for author_name, supervisor_name, title, body, topic, steps in SUGGESTIONS:
        if Suggestion.objects.filter(title=title).exists():
            continue
        author = User.objects.get(username=author_name)
        supervisor = User.objects.get(username=supervisor_name)
        suggestion = suggestion_submit(actor=author, title=title, body=body, topic=topic)
        for name, comment in steps:
            suggestion_transition(suggestion_id=suggestion.pk, name=name, actor=supervisor, comment=comment)
        made += 1
    return made


def load(rng: random.Random) -> dict:
    """The after-shipment part of the demo. Idempotent; `rng` is accepted for the loader's convention
    but not used, so loading never shifts the rest of the demo."""
    _carriers()
    orders = _demo_orders()
    done = {
        "partial_shipments": _partial_shipment(orders),
        "cases": _cases(orders),
        "feedback": _feedback(orders),
        "suggestions": _suggestions(),
    }
    shipped = orders.filter(status__in=[OrderState.SHIPPED, OrderState.AFTER_SALES, OrderState.CLOSED])
    for order in shipped:
        status_link_ensure(order=order)
    return done

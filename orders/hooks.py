"""Where the stages plug into the order core without the core importing them.

A stage app registers, in its AppConfig.ready():
- a guard: `register_guard("ship", fn)`, where fn(order) returns a refusal message or None;
- an after-transition action: `register_after("enter", fn)`, where fn(order, actor) runs inside the
  transition's transaction (production builds the T&A plan when an order is entered);
- a tab of the order page: `register_tab(OrderTab(...))`, and which state it opens first in;
- a panel on the order page: `register_panel(OrderPanel(...))`, in one tab: the order page renders each
  panel's template with the context its function returns, so the page shows stage data it does not know.
  The page renders the open tab's panels only; the others are read when their tab is opened;
- the next step's form: `register_step(NextStep(...))`: the order page's next-step card holds the form of
  the transition that moves the order on, when a stage owns what that transition needs (production's
  run details before "start production").
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

Guard = Callable[..., str | None]
After = Callable[..., None]

_guards: dict[str, list[Guard]] = defaultdict(list)
_after: dict[str, list[After]] = defaultdict(list)

# Transitions that later stages own. Their guards start empty; the stage apps fill them in.
STAGE_TRANSITIONS = ("start_production", "ship", "begin_after_sales", "close")


@dataclass(frozen=True)
class OrderTab:
    key: str  # the ?tab= value, e.g. "production"
    title: object  # lazy translated label
    order: int = 100  # position in the tab bar, smaller first
    # The order states in which this tab is the one the page opens on: the stage the order is in.
    opens_in: tuple[str, ...] = ()


_tabs: dict[str, OrderTab] = {}


def register_tab(tab: OrderTab) -> None:
    _tabs[tab.key] = tab


def tabs() -> list[OrderTab]:
    return sorted(_tabs.values(), key=lambda t: t.order)


def tab_get(key: str) -> OrderTab | None:
    return _tabs.get(key)


def tab_for_state(status: str) -> OrderTab:
    """The tab the order page opens on when nobody asked for one: the one of the order's stage."""
    ordered = tabs()
    return next((t for t in ordered if status in t.opens_in), ordered[0])


@dataclass(frozen=True)
class OrderPanel:
    key: str  # unique, e.g. "production-plan"
    title: object  # lazy translated heading
    template: str  # rendered with {"order": order, "user": user, **context(order, user)}
    context: Callable[..., dict]  # context(order=..., user=...) -> dict; keep to a constant number of queries
    tab: str = "overview"  # the key of the OrderTab it shows in
    order: int = 100  # position in its tab, smaller first
    # The stage's one-to-one rows (e.g. "production_plan"), joined into the order page's one query for the
    # order instead of each costing one: the context reads them with related_or_none(order, name).
    select_related: tuple[str, ...] = ()

    def render_context(self, *, order, user) -> dict:
        return {"order": order, "user": user, **self.context(order=order, user=user)}


_panels: dict[str, OrderPanel] = {}


def register_panel(panel: OrderPanel) -> None:
    _panels[panel.key] = panel


def panel_get(key: str) -> OrderPanel | None:
    return _panels.get(key)


def panel_view(panel: OrderPanel, order, user) -> dict:
    return {"panel": panel, "context": panel.render_context(order=order, user=user)}


def panels_in(tab: str, order, user) -> list[dict]:
    """The panels of one tab with their contexts: what the page reads when that tab is open."""
    chosen = sorted((p for p in _panels.values() if p.tab == tab), key=lambda p: p.order)
    return [panel_view(panel, order, user) for panel in chosen]


def panel_relations() -> tuple[str, ...]:
    return tuple(sorted({name for panel in _panels.values() for name in panel.select_related}))


def order_page_url(order_id, *, panel: str = "") -> str:
    """The order page opened on the tab that holds `panel`, scrolled to that tab: where a form of the panel
    comes back to after a save, so the message (shown at the top of the tab) is in view."""
    url = reverse("orders:detail", kwargs={"pk": order_id})
    found = _panels.get(panel)
    return f"{url}?tab={found.tab}#order-tab" if found else url


@dataclass(frozen=True)
class NextStep:
    """The next-step card's part for one transition, registered by the app that owns what it needs."""

    transition: str  # e.g. "start_production"
    tab: str  # the tab that holds what the transition needs: where a refusal's reasons link to
    template: str = ""  # the step's own form, shown in the card in place of a plain button
    # context(order=..., user=...) -> dict for the template, or None when the form has nothing to offer now
    # (the card then shows the plain button or the refusal's reasons).
    context: Callable[..., dict | None] | None = None


_steps: dict[str, NextStep] = {}


def register_step(step: NextStep) -> None:
    _steps[step.transition] = step


def step_for(transition: str) -> NextStep | None:
    return _steps.get(transition)


def related_or_none(order, name: str):
    """A one-to-one row of the order, or None when it has none; no query when the page joined it in."""
    try:
        return getattr(order, name)
    except ObjectDoesNotExist:
        return None


def register_guard(transition: str, guard: Guard) -> None:
    if guard not in _guards[transition]:
        _guards[transition].append(guard)


def register_after(transition: str, action: After) -> None:
    if action not in _after[transition]:
        _after[transition].append(action)


def guard_failures(transition: str, order, **context) -> list[str]:
    failures = []
    for guard in _guards[transition]:
        message = guard(order, **context)
        if message:
            failures.append(message)
    return failures


def run_after(transition: str, order, actor) -> None:
    for action in _after[transition]:
        action(order, actor)


# Customer-facing milestones. A stage app that plans the order (production's T&A calendar) registers
# fn(order) -> list of {"label": str, "planned": date | None, "actual": date | None, "done": bool}, with
# nothing staff-only in it. The customer status page shows them without importing the stage app.
_customer_milestones: list[Callable] = []


def register_customer_milestones(source: Callable) -> None:
    if source not in _customer_milestones:
        _customer_milestones.append(source)


def customer_milestones(order) -> list[dict]:
    milestones: list[dict] = []
    for source in _customer_milestones:
        milestones.extend(source(order) or [])
    return milestones


# The customer's status link. The stage that owns it (logistics) registers fn(order) -> the link's URL,
# handed out anew; a customer notice written by another stage (production's delay notice) carries it
# without importing that stage.
_customer_status_url: list[Callable] = []


def register_customer_status_url(source: Callable) -> None:
    _customer_status_url[:] = [source]


def customer_status_url(order) -> str:
    """The order's status link for a customer notice, or "" when no stage provides one."""
    return _customer_status_url[0](order) if _customer_status_url else ""


def customer_reply_to(order) -> str:
    """Where a customer's answer to a notice about the order goes: its merchandiser."""
    return getattr(order.merchandiser, "email", "") or ""


# The promise ledger (orders.services.promises). A stage registers fn(promise, actor), run inside the
# transaction that approved a new delivery date: production re-plans the open milestones back from it and
# tells the customer.
_promise_approved: list[Callable] = []


def register_promise_approved(action: Callable) -> None:
    if action not in _promise_approved:
        _promise_approved.append(action)


def run_promise_approved(promise, actor) -> None:
    for action in _promise_approved:
        action(promise, actor)


# Customer-visible events: what a customer's own system may be told about (the webhooks app sends them).
# The service that makes one happen calls customer_event() inside its transaction, after its own writes;
# a listener (registered in its AppConfig.ready()) writes what it needs in that same transaction, so a
# rolled-back change tells nobody. `subject` is the thing the event is about besides the order (the
# shipment, the case, the promise of a new date). Listeners read only customer-visible fields.
CUSTOMER_EVENTS = (
    "order.received",
    "order.confirmed",
    "order.entered",
    "order.production_started",
    "order.delayed",
    "order.shipped",
    "order.delivered",
    "case.opened",
    "case.resolved",
)
# The order transitions that are customer events of their own (order_transition announces them).
TRANSITION_EVENTS = {
    "confirm": "order.confirmed",
    "enter": "order.entered",
    "start_production": "order.production_started",
}

_customer_event_listeners: list[Callable] = []


def register_customer_event_listener(listener: Callable) -> None:
    """listener(event=..., order=..., subject=...), run inside the transaction of the change."""
    if listener not in _customer_event_listeners:
        _customer_event_listeners.append(listener)


def customer_event(event: str, order, subject=None) -> None:
    if event not in CUSTOMER_EVENTS:
        raise ValueError(f"unknown customer event {event!r}")
    for listener in _customer_event_listeners:
        listener(event=event, order=order, subject=subject)


# Links on the customer's page to what an app above keeps per customer (its webhooks). fn(customer=...,
# user=...) -> {"label": str, "url": str} or None when the person may not open it.
_customer_links: list[Callable] = []


def register_customer_link(source: Callable) -> None:
    if source not in _customer_links:
        _customer_links.append(source)


def customer_links(*, customer, user) -> list[dict]:
    return [link for source in _customer_links if (link := source(customer=customer, user=user))]


# Panels on the customer's page from an app above (the customer portal's access of each contact).
# fn(customer=..., user=...) -> {"template": str, "context": dict} or None when the person may not see it.
_customer_panels: list[Callable] = []


def register_customer_panel(source: Callable) -> None:
    if source not in _customer_panels:
        _customer_panels.append(source)


def customer_panels(*, customer, user) -> list[dict]:
    return [panel for source in _customer_panels if (panel := source(customer=customer, user=user))]

"""Where the stages plug into the order core without the core importing them.

A stage app registers, in its AppConfig.ready():
- a guard: `register_guard("ship", fn)`, where fn(order) returns a refusal message or None;
- an after-transition action: `register_after("enter", fn)`, where fn(order, actor) runs inside the
  transition's transaction (production builds the T&A plan when an order is entered);
- a panel on the order page: `register_panel(OrderPanel(...))`: the order detail renders each panel's
  template with the context its function returns, so the page shows stage data it does not know. Once the
  order has moved past the panel's `live_states`, the page shows it folded, loaded when opened.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

Guard = Callable[..., str | None]
After = Callable[..., None]

_guards: dict[str, list[Guard]] = defaultdict(list)
_after: dict[str, list[After]] = defaultdict(list)

# Transitions that later stages own. Their guards start empty; the stage apps fill them in.
STAGE_TRANSITIONS = ("start_production", "ship", "begin_after_sales", "close")


@dataclass(frozen=True)
class OrderPanel:
    key: str  # unique, e.g. "production-plan"
    title: object  # lazy translated heading
    template: str  # rendered with {"order": order, "user": user, **context(order, user)}
    context: Callable[..., dict]  # context(order=..., user=...) -> dict; keep to a constant number of queries
    order: int = 100  # position on the page, smaller first
    # The stage's one-to-one rows (e.g. "production_plan"), joined into the order page's one query for the
    # order instead of each costing one: the context reads them with related_or_none(order, name).
    select_related: tuple[str, ...] = ()
    # The order states in which the panel's stage is live; None: all of them. In any other state the stage
    # is history, and the page folds the panel and reads its tables only when someone opens it.
    live_states: tuple[str, ...] | None = None

    def is_live(self, order) -> bool:
        return self.live_states is None or order.status in self.live_states

    def render_context(self, *, order, user) -> dict:
        return {"order": order, "user": user, **self.context(order=order, user=user)}


_panels: dict[str, OrderPanel] = {}


def register_panel(panel: OrderPanel) -> None:
    _panels[panel.key] = panel


def panel_get(key: str) -> OrderPanel | None:
    return _panels.get(key)


def panels_for(order, user, *, unfold: frozenset[str] = frozenset()) -> list[dict]:
    """Each panel with its context, or folded (context None) when its stage is history and it is not in
    `unfold` (the keys someone asked to open)."""
    return [panel_view(panel, order, user, unfold=unfold) for panel in sorted(_panels.values(), key=lambda p: p.order)]


def panel_view(panel: OrderPanel, order, user, *, unfold: frozenset[str] = frozenset()) -> dict:
    if panel.is_live(order) or panel.key in unfold:
        return {"panel": panel, "context": panel.render_context(order=order, user=user), "folded": False}
    return {"panel": panel, "context": None, "folded": True}


def panel_relations() -> tuple[str, ...]:
    return tuple(sorted({name for panel in _panels.values() for name in panel.select_related}))


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

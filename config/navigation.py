"""The navigation of every role: the project knows every app's pages, so the menu lives here, not in a leaf app.

At most seven top-level entries per role: "My work" and six groups, each a dropdown (a group a role sees
one page of is that page's link). A group carries a badge: how many things of "Waiting for you"
(core/waiting.py) belong to it; each source names its group by the keys below."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_roles
from core import waiting
from customer_portal.middleware import is_portal_principal

ANYONE = None
EVERY_ROLE = set(Role)
TOP_LEVEL_MAX = 7


@dataclass(frozen=True)
class Group:
    key: str  # what a waiting source names as its group
    label: object
    # (label, url name, roles that see it)
    items: tuple[tuple[object, str, set | None], ...]


MERCH, SUP, QA, HR, MGMT = Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT

HOME = (_("My work"), "home")
GROUPS = (
    Group(
        "orders",
        _("Orders"),
        (
            (_("Orders"), "orders:list", {MERCH, SUP, QA, HR, MGMT}),
            (_("New order"), "orders:intake_phone", {MERCH}),
            (_("Order from an email"), "orders:intake_email", {MERCH}),
            (_("Import a spreadsheet"), "orders:intake_spreadsheet", {MERCH}),
            (_("Hand over orders"), "orders:handover", {SUP}),
            (_("Go-live import"), "golive:import", {SUP, MGMT}),
            (_("Customers"), "orders:customer_list", {MERCH, SUP, MGMT}),
            (_("Products"), "orders:product_list", {MERCH, SUP, QA, MGMT}),
        ),
    ),
    Group(
        "stages",
        _("Production & delivery"),
        (
            (_("My check-ins"), "production:my_checkins", {MERCH}),
            (_("Production board"), "production:board", {SUP}),
            (_("Shipments"), "logistics:shipment_list", {MERCH, SUP, QA, MGMT}),
            (_("After-sales"), "aftersales:case_list", {MERCH, SUP, QA, MGMT}),
        ),
    ),
    Group(
        "team",
        _("Team"),
        (
            (_("Meetings"), "supervision:meeting_list", {MERCH, SUP}),
            (_("My report"), "supervision:report_mine", {MERCH}),
            (_("Reports"), "supervision:report_inbox", {SUP, HR}),
            (_("Record reviews"), "supervision:review_queue", {SUP}),
            (_("Suggestions"), "supervision:suggestion_list", {MERCH, SUP, MGMT}),
            (_("Escalations"), "reminders:escalations", {SUP, MGMT}),
        ),
    ),
    Group(
        "quality",
        _("Quality & discipline"),
        (
            (_("Spot checks"), "supervision:plan_list", {QA}),
            (_("Findings"), "supervision:finding_list", {MERCH, SUP, QA, HR}),
            (_("Violations"), "supervision:violation_list", {MERCH, SUP, HR}),
        ),
    ),
    Group(
        "evaluation",
        _("Performance"),
        (
            (_("Evaluation"), "evaluation:quarter_list", {SUP, HR, MGMT}),
            (_("Team ratings"), "evaluation:ratings_current", {SUP}),
            (_("Appeals"), "evaluation:appeal_list", {HR}),
            (_("KPI scheme"), "evaluation:scheme", {HR}),
            (_("My scorecards"), "evaluation:my_scorecards", {MERCH}),
        ),
    ),
    Group(
        "company",
        _("Company"),
        (
            (_("Policy"), "supervision:policy_current", EVERY_ROLE),
            (_("Company calendar"), "workcalendar:calendar", {SUP, HR}),
        ),
    ),
)


def navigation(request):
    """Context processor: the menu the signed-in person's roles see, with the waiting counts per group."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if is_portal_principal(user):  # a customer contact: the portal's own menu (base.html)
        return {"nav_items": [], "portal_contact": True, "user_roles": []}
    held = frozenset(user_roles(user))
    counts = getattr(request, "waiting_counts", None)  # the landing page counted them live just now
    if counts is None:
        counts = waiting.cached_counts(user, held)
    return {
        "nav_items": [{**entry, "count": counts.get(entry["key"], 0)} for entry in menu_for(held)],
        "user_roles": sorted(held),
        "admin_url": reverse("admin:index") if user.is_staff else "",
        "notifications_poll_seconds": settings.NOTIFICATIONS_POLL_SECONDS,
    }


@lru_cache(maxsize=64)
def menu_for(held: frozenset) -> tuple[dict, ...]:
    """The menu of one combination of roles: worked out once per process, not once per page (twenty
    reverse() calls). Labels stay lazy, so each page shows them in its own language. Each entry is a link
    ({"key", "label", "url"}) or a group ({"key", "label", "links": [...]})."""
    entries = [{"key": "home", "label": HOME[0], "url": reverse(HOME[1])}]
    for group in GROUPS:
        links = [
            {"label": label, "url": url}
            for label, name, roles in group.items
            if (roles is ANYONE or held & roles) and (url := _url(name))
        ]
        if len(links) == 1:
            entries.append({"key": group.key, **links[0]})
        elif links:
            entries.append({"key": group.key, "label": group.label, "links": links})
    return tuple(entries)


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # a page of a later issue that is not wired yet
        return ""

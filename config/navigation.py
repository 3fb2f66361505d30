"""The navigation of every role: the project knows every app's pages, so the menu lives here, not in a leaf app."""

from functools import lru_cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_roles

# (label, url name, roles that see it). One list: the navigation of every role.
NAV_ITEMS = [
    (_("My work"), "home", None),
    (_("Orders"), "orders:list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT}),
    (_("New order"), "orders:intake_phone", {Role.MERCHANDISER}),
    (_("My check-ins"), "production:my_checkins", {Role.MERCHANDISER}),
    (_("Production board"), "production:board", {Role.SUPERVISOR}),
    (_("Customers"), "orders:customer_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT}),
    (_("Products"), "orders:product_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.MANAGEMENT}),
    (_("Shipments"), "logistics:shipment_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.MANAGEMENT}),
    (_("After-sales"), "aftersales:case_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.MANAGEMENT}),
    (_("Suggestions"), "supervision:suggestion_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT}),
    (_("Meetings"), "supervision:meeting_list", {Role.MERCHANDISER, Role.SUPERVISOR}),
    (_("My report"), "supervision:report_mine", {Role.MERCHANDISER}),
    (_("Reports"), "supervision:report_inbox", {Role.SUPERVISOR, Role.HR}),
    (_("Record reviews"), "supervision:review_queue", {Role.SUPERVISOR}),
    (_("Spot checks"), "supervision:plan_list", {Role.QA}),
    (_("Findings"), "supervision:finding_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR}),
    (_("Violations"), "supervision:violation_list", {Role.MERCHANDISER, Role.SUPERVISOR, Role.HR}),
    (_("Policy"), "supervision:policy_current", set(Role)),
    (_("Evaluation"), "evaluation:quarter_list", {Role.SUPERVISOR, Role.HR, Role.MANAGEMENT}),
    (_("Team ratings"), "evaluation:ratings_current", {Role.SUPERVISOR}),
    (_("Company calendar"), "workcalendar:calendar", {Role.SUPERVISOR, Role.HR}),
    (_("My scorecards"), "evaluation:my_scorecards", {Role.MERCHANDISER}),
]


def navigation(request):
    """Context processor: the menu items the signed-in person's roles see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    held = user_roles(user)
    return {"nav_items": _items_for(frozenset(held), user.is_staff), "user_roles": sorted(held)}


@lru_cache(maxsize=64)
def _items_for(held: frozenset, is_staff: bool) -> list[dict]:
    """The menu of one combination of roles: worked out once per process, not once per page (twenty
    reverse() calls). Labels stay lazy, so each page shows them in its own language."""
    items = []
    for label, url_name, roles in NAV_ITEMS:
        if roles is None or held & roles:
            try:
                items.append({"label": label, "url": reverse(url_name)})
            except NoReverseMatch:  # a page of a later issue that is not wired yet
                continue
    if is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index")})
    return items

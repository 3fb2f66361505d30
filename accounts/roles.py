"""Roles are data: one table of groups and the permissions each holds. Views ask for a role or a
permission; nothing else in the code lists who may do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MERCHANDISER = "Merchandiser", _("Merchandiser")
    SUPERVISOR = "Supervisor", _("Supervisor")
    QA = "QA", _("QA")
    HR = "HR", _("HR")
    MANAGEMENT = "Management", _("Management")


# app_label.codename. Read access to orders is row-level (orders.selectors); these are the actions.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.MERCHANDISER: [
        "orders.add_order",
        "orders.change_order",
        "orders.add_customer",
        "orders.change_customer",
        "orders.view_customer",
        "orders.add_product",
        "orders.change_product",
        "orders.view_product",
        # logistics and after-sales: row-level rules in their services decide which orders
        "logistics.view_carrier",
        "logistics.add_shipment",
        "aftersales.add_case",
        "aftersales.change_case",
        "aftersales.add_feedback",
        "supervision.add_suggestion",
        # supervision: row-level rules in its services decide whose reports, findings and violations
        "supervision.add_weeklyreport",
        "supervision.change_weeklyreport",
        "supervision.change_finding",
        # evaluation: row-level rules in evaluation.selectors decide whose scorecards
        "evaluation.view_scorecard",  # their own, once final (evaluation.selectors)
        "evaluation.add_appeal",
    ],
    Role.SUPERVISOR: [
        "orders.change_order",
        "orders.view_order",
        "orders.reassign_order",
        "orders.approve_cancellation",
        "orders.view_customer",
        "orders.view_product",
        "accounts.view_user",
        "workcalendar.view_calendarday",
        "logistics.view_carrier",
        "logistics.add_carrier",
        "logistics.change_carrier",
        "logistics.add_shipment",
        "aftersales.add_case",
        "aftersales.change_case",
        "aftersales.add_feedback",
        "supervision.change_suggestion",
        "aftersales.view_slatarget",
        "supervision.change_weeklymeeting",
        "supervision.add_actionitem",
        "supervision.view_weeklyreport",
        "supervision.add_recordreview",
        "supervision.add_violation",
        "supervision.review_policyversion",
        # evaluation: row-level rules in evaluation.selectors decide whose scorecards
        "evaluation.view_scorecard",  # their teams'
        "evaluation.add_scorecardcomment",
    ],
    Role.QA: [
        "orders.view_order",
        "orders.view_customer",
        "orders.view_product",
        "supervision.add_spotcheckplan",
        "supervision.add_spotcheckresult",
        "supervision.add_finding",
        "supervision.view_finding",
    ],
    Role.HR: [
        "orders.view_order",
        # Reads staff; never accounts.change_user: with it, HR made staff could grant itself superuser.
        "accounts.view_user",
        # the company calendar: holidays and make-up working days
        "workcalendar.view_calendarday",
        "workcalendar.add_calendarday",
        "workcalendar.change_calendarday",
        "workcalendar.delete_calendarday",
        "supervision.view_weeklyreport",
        "supervision.add_violation",
        "supervision.change_violation",
        "supervision.add_policyversion",
        "supervision.change_policyversion",
        "supervision.view_policyacknowledgement",
        # evaluation: row-level rules in evaluation.selectors decide whose scorecards
        "evaluation.view_kpischeme",
        "evaluation.add_kpischeme",
        "evaluation.view_evaluationquarter",
        "evaluation.change_evaluationquarter",
        "evaluation.add_evaluationrun",
        "evaluation.view_scorecard",
        "evaluation.add_scoreadjustment",
        "evaluation.add_outcome",
        "evaluation.view_outcome",
        "evaluation.change_appeal",
    ],
    Role.MANAGEMENT: [
        "orders.view_order",
        "orders.view_customer",
        "orders.view_product",
        "accounts.view_user",
        "supervision.approve_policyversion",
        # evaluation: row-level rules in evaluation.selectors decide whose scorecards
        "evaluation.view_kpischeme",
        "evaluation.view_evaluationquarter",
        "evaluation.view_scorecard",
        "evaluation.view_outcome",
        "notifications.change_teamrobot",  # the teams' WeCom and DingTalk robots (/inbox/robots/)
    ],
}


def sync_role_permissions(*, using: str = "default") -> None:
    """Create the groups and give each exactly the permissions listed above that exist so far."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                wanted.append(perm)
        group.permissions.set(wanted)


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    from .access import user_access

    return set(user_access(user)["roles"])


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def primary_role(user) -> str | None:
    """The role whose work page the home page opens: the most specific one a person holds."""
    held = user_roles(user)
    for role in (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT):
        if role in held:
            return role
    return None

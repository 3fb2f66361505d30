"""One work page per role. Each composes selectors of the apps below (dashboards.selectors and the apps'
own); company-wide aggregates are cached for at most a minute."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.decorators import role_required
from accounts.roles import Role, user_roles
from aftersales.selectors import cases_needing_attention
from core import waiting
from core.charts import bar_chart
from evaluation.selectors import evaluation_overview, kpis_so_far
from orders.models import OrderState
from orders.selectors import mentions_for, orders_visible_to, promise_answers_for, promises_waiting_for
from production.selectors import checkins_due_for, promise_warnings_open
from workcalendar.selectors import missing_next_year

from . import selectors
from .selectors import orders_by_state, recent_orders


def _landing(request, template: str, context: dict):
    """A role's landing page, with everything "Waiting for you": read afresh once a writing service moved
    the registry's version, else kept for at most DASHBOARD_COUNTS_MAX_AGE like the page's other counts;
    the menu of this page shows the same counts, and keeps them for the next pages (core/waiting.py)."""
    roles = user_roles(request.user)
    found = waiting.waiting_kept(request.user, roles, max_age=settings.DASHBOARD_COUNTS_MAX_AGE)
    request.waiting_counts = waiting.counts_by_group(found)
    waiting.remember_counts(request.user, roles, request.waiting_counts)
    return render(request, template, {**context, "waiting": found})


@role_required(Role.MERCHANDISER)
def merchandiser(request):
    orders = orders_visible_to(request.user).filter(merchandiser=request.user)
    user = request.user
    context = {
        "title_role": Role.MERCHANDISER.label,
        "mentions": mentions_for(user=user),
        "date_answers": promise_answers_for(user=user, limit=10),
        "warnings": promise_warnings_open(merchandiser=user),
        "by_state": orders_by_state(orders),
        "recent": recent_orders(orders),
        "to_verify": orders.filter(status=OrderState.RECEIVED).select_related("customer", "merchandiser")[:10],
        "my_cases": cases_needing_attention(user=user, owner=user),
        "checkins": checkins_due_for(user=user, day=timezone.localdate()),
        # One person's KPIs, live: ten small queries, kept for a minute.
        "kpis": selectors.cached(f"kpis-so-far:{user.pk}", lambda: kpis_so_far(person=user)),
    }
    return _landing(request, "dashboards/merchandiser.html", context)


@role_required(Role.SUPERVISOR)
def supervisor(request):
    user = request.user
    orders = orders_visible_to(user)
    # The team's aggregates, up to a minute old, in one cache entry; the lists to act on are live.
    summary = selectors.supervisor_summary(supervisor=user, orders=orders, today=timezone.localdate())
    context = {
        "title_role": Role.SUPERVISOR.label,
        "mentions": mentions_for(user=user),
        "dates_to_approve": promises_waiting_for(user=user, limit=10),
        "by_state": selectors.state_rows(summary["state_counts"]),
        "recent": selectors.recent_orders_of(orders, owners=summary["order_owners"]),
        "flagged": summary["flagged"],
        "team_cases": cases_needing_attention(user=user),
        "compliance": summary["compliance"],
        "coverage": summary["coverage"],
        "findings": {**summary["findings"], "rows": selectors.team_open_findings(user=user)},
        "missing": missing_next_year(),
    }
    return _landing(request, "dashboards/supervisor.html", context)


@role_required(Role.QA)
def qa(request):
    today = timezone.localdate()
    context = {
        "title_role": Role.QA.label,
        "mentions": mentions_for(user=request.user),
        "plans": selectors.sampling_progress(),
        "findings": selectors.cached(f"qa-findings:{today}", lambda: selectors.findings_by_merchandiser(today=today)),
    }
    return _landing(request, "dashboards/qa.html", context)


@role_required(Role.HR)
def hr(request):
    overview = evaluation_overview()
    overview["distribution_chart"] = bar_chart(
        [(f"{b['low']}–{b['high']}", b["count"]) for b in overview["distribution"]]
    )
    context = {
        "title_role": Role.HR.label,
        "mentions": mentions_for(user=request.user),
        "overview": overview,
        "missing": missing_next_year(),
    }
    return _landing(request, "dashboards/hr.html", context)


@role_required(Role.MANAGEMENT)
def management(request):
    orders = orders_visible_to(request.user)
    by_state = orders_by_state(orders)
    context = {
        "title_role": Role.MANAGEMENT.label,
        "mentions": mentions_for(user=request.user),
        "by_state": by_state,
        "by_state_chart": selectors.by_state_chart(by_state),
        "trends": selectors.company_trends(),
    }
    return _landing(request, "dashboards/management.html", context)


@login_required
def no_role(request):
    return render(request, "dashboards/no_role.html")

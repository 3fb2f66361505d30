"""One work page per role. Each composes selectors of the apps below; later issues fill them in."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.decorators import role_required
from accounts.models import Heartbeat
from accounts.roles import Role
from aftersales.selectors import cases_needing_attention, suggestions_to_decide
from orders.models import OrderState
from orders.selectors import orders_visible_to

from .selectors import orders_by_state, recent_orders


@role_required(Role.MERCHANDISER)
def merchandiser(request):
    orders = orders_visible_to(request.user).filter(merchandiser=request.user)
    context = {
        "title_role": Role.MERCHANDISER.label,
        "by_state": orders_by_state(orders),
        "recent": recent_orders(orders),
        "to_verify": orders.filter(status=OrderState.RECEIVED).select_related("customer")[:10],
        "my_cases": cases_needing_attention(user=request.user, owner=request.user),
    }
    return render(request, "dashboards/merchandiser.html", context)


@role_required(Role.SUPERVISOR)
def supervisor(request):
    orders = orders_visible_to(request.user)
    context = {
        "title_role": Role.SUPERVISOR.label,
        "by_state": orders_by_state(orders),
        "recent": recent_orders(orders),
        "flagged": orders.filter(is_at_risk=True).select_related("customer", "merchandiser")[:10],
        "team_cases": cases_needing_attention(user=request.user),
        "suggestions_to_decide": suggestions_to_decide(user=request.user)[:10],
    }
    return render(request, "dashboards/supervisor.html", context)


def _overview(request, role, template="dashboards/overview.html"):
    orders = orders_visible_to(request.user)
    context = {"title_role": role.label, "by_state": orders_by_state(orders), "recent": recent_orders(orders)}
    return render(request, template, context)


@role_required(Role.QA)
def qa(request):
    return _overview(request, Role.QA)


@role_required(Role.HR)
def hr(request):
    return _overview(request, Role.HR)


@role_required(Role.MANAGEMENT)
def management(request):
    return _overview(request, Role.MANAGEMENT)


@login_required
def no_role(request):
    return render(request, "dashboards/no_role.html")


def healthz(request):
    """Liveness for load balancers and the run script: the database answers, beat last ran at."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="beat").values_list("last_run", flat=True).first()
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat(), "beat_last_run": beat})

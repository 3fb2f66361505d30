"""The project's own pages: the landing page that sends each role to its work, and the health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Heartbeat
from accounts.roles import Role, primary_role
from core.breaker import open_names
from customer_portal.middleware import is_portal_principal

ROLE_HOME = {
    Role.MERCHANDISER: "dashboards:merchandiser",
    Role.SUPERVISOR: "dashboards:supervisor",
    Role.QA: "dashboards:qa",
    Role.HR: "dashboards:hr",
    Role.MANAGEMENT: "dashboards:management",
}


@login_required
def home(request):
    """Each role starts on its own work page; a customer contact on the customer portal."""
    if is_portal_principal(request.user):  # a customer contact's login
        return redirect("customer:home")
    role = primary_role(request.user)
    if role:
        return redirect(ROLE_HOME[role])
    if request.user.is_superuser:
        return redirect("admin:index")
    messages.warning(request, _("Your account has no role yet. Ask HR to assign one."))
    return redirect("dashboards:no_role")


def healthz(request):
    """Liveness for load balancers and the run script: the database answers, beat last ran at, and which
    Redis this process is skipping after a failure (core/breaker.py; the product works without it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="beat").values_list("last_run", flat=True).first()
    return JsonResponse(
        {"status": "ok", "time": timezone.now().isoformat(), "beat_last_run": beat, "skipping": open_names()}
    )

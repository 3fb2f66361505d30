from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .roles import Role, primary_role
from .services import user_set_language

ROLE_HOME = {
    Role.MERCHANDISER: "dashboards:merchandiser",
    Role.SUPERVISOR: "dashboards:supervisor",
    Role.QA: "dashboards:qa",
    Role.HR: "dashboards:hr",
    Role.MANAGEMENT: "dashboards:management",
}


@login_required
def home(request):
    """Each role starts on its own work page."""
    role = primary_role(request.user)
    if role:
        return redirect(ROLE_HOME[role])
    if request.user.is_superuser:
        return redirect("admin:index")
    messages.warning(request, _("Your account has no role yet. Ask HR to assign one."))
    return redirect("dashboards:no_role")


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the profile of a signed-in person, else in a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(translation.trans_real.get_languages()):
        messages.error(request, _("That language is not available."))
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .services import user_set_language


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

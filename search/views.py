"""The results page (works without JavaScript) and the same results as the top bar's dropdown (htmx)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.roles import Role

from .selectors import search_everything

STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)


@role_required(*STAFF_ROLES)
@require_GET
def search_page(request):
    results = search_everything(user=request.user, text=request.GET.get("q", ""))
    return render(request, "search/page.html", {"results": results, "search_query": results.query})


@role_required(*STAFF_ROLES)
@require_GET
def search_suggest(request):
    results = search_everything(user=request.user, text=request.GET.get("q", ""))
    return render(request, "search/_dropdown.html", {"results": results})

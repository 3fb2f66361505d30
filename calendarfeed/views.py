"""The person's feed page (the link, renew, turn off) and the feed itself, opened by calendar apps with the
signed link alone: they cannot sign in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .ics import feed_ics
from .selectors import calendar_feed_of, calendar_feed_resolve, calendar_feed_token, feed_items
from .services import calendar_feed_issue, calendar_feed_turn_off


@login_required
@require_GET
def feed_page(request):
    feed = calendar_feed_of(request.user)
    link = request.build_absolute_uri(reverse("calendarfeed:ics", args=[calendar_feed_token(feed)])) if feed else ""
    items = feed_items(user=request.user)
    context = {"feed": feed, "link": link, "items": items[:20], "count": len(items)}
    return render(request, "calendarfeed/feed.html", context)


@login_required
@require_POST
def feed_issue(request):
    renewed = calendar_feed_of(request.user) is not None
    calendar_feed_issue(user=request.user)
    messages.success(
        request,
        _("A new link is ready. The old one no longer works: add the new one to your calendar app.")
        if renewed
        else _("Your calendar link is ready: add it to your calendar app."),
    )
    return redirect("calendarfeed:page")


@login_required
@require_POST
def feed_turn_off(request):
    if calendar_feed_turn_off(user=request.user):
        messages.success(request, _("Your calendar link is turned off: calendar apps get nothing from it any more."))
    return redirect("calendarfeed:page")


@require_GET
def feed_ics_view(request, token):
    feed = calendar_feed_resolve(token=token)
    if feed is None:
        raise Http404
    user = feed.user
    body = feed_ics(
        items=feed_items(user=user),
        language=user.preferred_language or settings.LANGUAGE_CODE,
        name=f"跟单系统 · {user.get_full_name() or user.get_username()}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gendan.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

"""The staff inbox: the bell's count (polled by htmx), the list of notices, marking them read, and the
person's delivery preferences. Each person sees and changes only their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.params import int_param
from core.views import run_service

from .forms import TeamRobotForm
from .models import OutboxChannel, TeamRobot
from .robots import ROBOT_CHANNELS
from .selectors import (
    UNREAD_SHOWN_MAX,
    inbox_channels_offered,
    inbox_page,
    inbox_preferences,
    inbox_unread_count,
    team_robots_overview,
)
from .services import (
    inbox_mark_all_read,
    inbox_mark_read,
    inbox_preferences_save,
    team_robot_remove,
    team_robot_save,
)

APP_ONLY = "app"
STOP_POLLING = 286  # htmx stops an "every" trigger on this status


def _page_number(request) -> int:
    return int_param(request.GET.get("page") or request.POST.get("page"), default=1, low=1, high=100_000)


def inbox_bell(request):
    """The bell's badge, asked for by every page on load and every NOTIFICATIONS_POLL_SECONDS."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponse(status=STOP_POLLING)  # signed out elsewhere: stop asking, show nothing
        return redirect_to_login(request.get_full_path())
    return _bell(request)


@require_GET
def _bell(request):
    count = inbox_unread_count(user=request.user)
    # Without the request: no context processor (the menu, its waiting counts) runs for a badge.
    body = render_to_string("notifications/_bell.html", {"unread": count, "unread_max": UNREAD_SHOWN_MAX})
    response = HttpResponse(body)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def inbox_list(request):
    page = inbox_page(user=request.user, page=_page_number(request))
    unread = inbox_unread_count(user=request.user)
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def inbox_open(request, pk: int):
    """Mark the notice read and go to the thing it is about."""
    item = inbox_mark_read(user=request.user, item_id=pk)
    if item is None:
        raise Http404
    if url_has_allowed_host_and_scheme(item.link, allowed_hosts={request.get_host()}) and item.link.startswith("/"):
        return redirect(item.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_read(request, pk: int):
    if inbox_mark_read(user=request.user, item_id=pk) is None:
        raise Http404
    return _inbox_redirect(request)


@login_required
@require_POST
def inbox_read_all(request):
    count = inbox_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notices are marked read."))
    return _inbox_redirect(request)


def _inbox_redirect(request):
    page = _page_number(request)
    response = redirect("notifications:inbox")
    if page > 1:
        response["Location"] += f"?page={page}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def inbox_preferences_page(request):
    offered = inbox_channels_offered(user=request.user)
    offered_keys = {key for key, _label in offered}
    if request.method == "POST":
        choices, bad = {}, False
        for choice in inbox_preferences(user=request.user):
            value = request.POST.get(f"kind_{choice.key}")
            if value is None:
                continue
            if value == APP_ONLY:
                choices[choice.key] = set()
            elif value in offered_keys:
                choices[choice.key] = {value}
            else:
                bad = True
        if bad:
            messages.error(request, _("Choose one of the ways offered for each kind of notice."))
        elif run_service(
            request,
            lambda: inbox_preferences_save(user=request.user, choices=choices),
            success=_("Your notification preferences are saved."),
        ):
            return redirect("notifications:preferences")
    context = {
        "kinds": inbox_preferences(user=request.user),
        "channels": offered,
        "app_only": APP_ONLY,
    }
    return render(request, "notifications/preferences.html", context, status=400 if request.method == "POST" else 200)


# --- the teams' chat robots: people who may change them (Management, superusers) -----------------------------
ROBOTS_PERMISSION = "notifications.change_teamrobot"


def _team_or_404(team_id: int):
    team = TeamRobot._meta.get_field("team").related_model.objects.filter(pk=team_id).first()
    if team is None:
        raise Http404
    return team


@login_required
@permission_required(ROBOTS_PERMISSION, raise_exception=True)
@require_GET
def robots_page(request):
    return render(request, "notifications/robots.html", {"teams": team_robots_overview()})


@login_required
@permission_required(ROBOTS_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def robot_edit(request, team_id: int, channel: str):
    if channel not in ROBOT_CHANNELS:
        raise Http404
    team = _team_or_404(team_id)
    robot = TeamRobot.objects.filter(team_id=team.pk, channel=channel).defer("webhook_url", "secret").first()
    form = TeamRobotForm(request.POST or None)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: team_robot_save(
                team_id=team.pk,
                channel=channel,
                webhook_url=form.cleaned_data["webhook_url"],
                secret=form.cleaned_data["secret"],
                actor=request.user,
            ),
            success=_("The robot is saved. Messages for this team's members now reach its group."),
        )
    )
    if saved:
        return redirect("notifications:robots")
    label = OutboxChannel(channel).label
    context = {"team": team, "channel": channel, "channel_label": label, "robot": robot, "form": form}
    return render(request, "notifications/robot_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
@permission_required(ROBOTS_PERMISSION, raise_exception=True)
@require_POST
def robot_remove(request, team_id: int, channel: str):
    if channel not in ROBOT_CHANNELS:
        raise Http404
    team = _team_or_404(team_id)
    if team_robot_remove(team_id=team.pk, channel=channel, actor=request.user):
        messages.success(request, _("The robot is removed."))
    return redirect("notifications:robots")

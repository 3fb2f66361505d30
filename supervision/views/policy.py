"""The policy: versions, the approval chain, acknowledgements."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.roles import Role, has_role, user_roles
from core.views import run_service

from .. import forms
from ..models import (
    PolicyStatus,
)
from ..selectors import (
    STAFF_ROLES,
    policy_acknowledged,
    policy_acknowledgement_status,
    policy_articles,
    policy_get_for_user,
    policy_in_force,
    policy_revisions_awaiting,
    policy_text,
    policy_versions_visible_to,
)
from ..services import policy
from ._common import post_action


@role_required(*STAFF_ROLES)
def policy_current(request):
    version = policy_in_force()
    return render(
        request,
        "supervision/policy_version.html",
        {
            "version": version,
            "blocks": policy_text(version) if version else [],
            "interpretation_form": _interpretation_form(request.user, version),
            "in_force": True,
            "acknowledged": policy_acknowledged(user=request.user, version=version),
            "awaiting": policy_revisions_awaiting(request.user),
        },
    )


def _interpretation_form(user, version):
    """HR interprets published versions (policy 6.1); others only read the interpretations."""
    if version is None or version.status != PolicyStatus.PUBLISHED or not has_role(user, Role.HR):
        return None
    return forms.InterpretationForm(articles=policy_articles(version))


@post_action(Role.HR)
def policy_interpret(request, pk):
    version = policy_get_for_user(user=request.user, pk=pk)
    form = forms.InterpretationForm(request.POST, articles=policy_articles(version))
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Please correct the errors: %(errors)s") % {"errors": problems})
    else:
        run_service(
            request,
            lambda: policy.policy_interpret(
                version_id=version.pk,
                actor=request.user,
                article=form.cleaned_data["article"],
                body=form.cleaned_data["body"],
            ),
            _("The interpretation of %(article)s is recorded.") % {"article": form.cleaned_data["article"]},
        )
    return redirect("supervision:policy_version", pk=version.pk)


@post_action(*STAFF_ROLES)
def policy_acknowledge(request):
    version = policy_in_force()
    if version is None:
        raise Http404
    run_service(
        request,
        lambda: policy.policy_acknowledge(version_id=version.pk, actor=request.user),
        _("Thank you: your acknowledgement of version %(v)s is on file.") % {"v": version.version},
    )
    return redirect("supervision:policy_current")


@role_required(*STAFF_ROLES)
def policy_versions(request):
    rows = policy_versions_visible_to(request.user).select_related("drafted_by", "reviewed_by", "approved_by")
    current = policy_in_force()
    return render(
        request,
        "supervision/policy_versions.html",
        {"rows": rows, "current": current, "can_draft": has_role(request.user, Role.HR)},
    )


POLICY_STEP_ROLES = {
    "submit": {Role.HR},
    "review": {Role.SUPERVISOR},
    "send_back": {Role.SUPERVISOR, Role.MANAGEMENT},
    "approve": {Role.MANAGEMENT},
}
POLICY_STEP_STATES = {
    "submit": PolicyStatus.DRAFT,
    "review": PolicyStatus.IN_REVIEW,
    "approve": PolicyStatus.IN_APPROVAL,
}


@role_required(*STAFF_ROLES)
def policy_version(request, pk):
    version = policy_get_for_user(user=request.user, pk=pk)
    roles = user_roles(request.user)
    steps = [
        name
        for name, allowed in POLICY_STEP_ROLES.items()
        if roles & allowed
        and (
            version.status == POLICY_STEP_STATES.get(name)
            or (name == "send_back" and version.status in (PolicyStatus.IN_REVIEW, PolicyStatus.IN_APPROVAL))
        )
    ]
    return render(
        request,
        "supervision/policy_version.html",
        {
            "version": version,
            "blocks": policy_text(version),
            "interpretation_form": _interpretation_form(request.user, version),
            "in_force": version == policy_in_force(),
            "steps": steps,
            "step_form": forms.PolicyStepForm(initial={"effective_date": timezone.localdate()}) if steps else None,
            "can_edit": Role.HR in roles and version.status == PolicyStatus.DRAFT,
        },
    )


@role_required(Role.HR)
def policy_new(request):
    current = policy_in_force()
    form = forms.PolicyNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = None

        def create():
            nonlocal draft
            draft = policy.policy_draft_create(actor=request.user, version=form.cleaned_data["version"])

        if run_service(request, create, _("Draft started from the version in force.")):
            return redirect("supervision:policy_edit", pk=draft.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/policy_new.html", {"form": form, "current": current}, status=status)


@role_required(Role.HR)
def policy_edit(request, pk):
    version = policy_get_for_user(user=request.user, pk=pk)
    if version.status != PolicyStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("supervision:policy_version", pk=version.pk)
    form = forms.PolicyEditForm(
        request.POST or None,
        initial={
            "title_zh": version.title_zh,
            "title_en": version.title_en,
            "body_zh": version.body_zh,
            "body_en": version.body_en,
            "change_summary": version.change_summary,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            request,
            lambda: policy.policy_draft_update(version_id=version.pk, actor=request.user, **form.cleaned_data),
            _("Draft saved."),
        )
    ):
        return redirect("supervision:policy_version", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/policy_edit.html", {"form": form, "version": version}, status=status)


@post_action(Role.HR, Role.SUPERVISOR, Role.MANAGEMENT)
def policy_step(request, pk, name):
    version = policy_get_for_user(user=request.user, pk=pk)
    form = forms.PolicyStepForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    effective = form.cleaned_data.get("effective_date")
    actions = {
        "submit": (lambda: policy.policy_submit(version_id=version.pk, actor=request.user), _("Sent for review.")),
        "review": (
            lambda: policy.policy_review(version_id=version.pk, actor=request.user, comment=comment),
            _("Reviewed; sent to senior management for approval."),
        ),
        "send_back": (
            lambda: policy.policy_send_back(version_id=version.pk, actor=request.user, comment=comment),
            _("Sent back to HR."),
        ),
        "approve": (
            lambda: policy.policy_approve(version_id=version.pk, actor=request.user, effective_date=effective),
            _("Approved and published."),
        ),
    }
    if name not in actions:
        raise Http404
    action, done = actions[name]
    run_service(request, action, done)
    return redirect("supervision:policy_version", pk=version.pk)


@role_required(Role.HR)
def policy_acknowledgements(request):
    version = policy_in_force()
    requested = request.GET.get("version")
    if requested:
        version = policy_get_for_user(user=request.user, pk=requested)
    status = policy_acknowledgement_status(version=version) if version else None
    published = policy_versions_visible_to(request.user).filter(status=PolicyStatus.PUBLISHED)
    return render(
        request,
        "supervision/policy_acknowledgements.html",
        {"version": version, "status": status, "published": published},
    )

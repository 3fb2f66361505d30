"""The order's thread: posting a comment. With htmx the thread comes back alone; without JavaScript the
form posts and the page is shown again at the thread."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotPermitted
from core.views import error_text, report_error

from ..forms import CommentForm
from ..hooks import order_page_url
from ..selectors import order_comments, order_get_for_user
from ..services import order_comment_post


def discussion_context(*, order, user, form=None, error: str = "") -> dict:
    return {"comments": order_comments(order=order), "comment_form": form or CommentForm(), "error": error}


@login_required
@require_POST
def comment_post(request, pk):
    order = order_get_for_user(user=request.user, pk=pk)
    form = CommentForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        try:
            order_comment_post(
                order_id=order.pk,
                actor=request.user,
                text=form.cleaned_data["text"],
                uploaded=form.cleaned_data.get("file"),
            )
        except NotPermitted as exc:
            report_error(request, exc)  # a 403 that says why
        except DomainError as exc:
            error = error_text(exc)
        else:
            form = None
    else:
        error = _("Please correct the errors below.")
    if request.htmx:
        context = {"order": order, "ctx": discussion_context(order=order, user=request.user, form=form, error=error)}
        return render(request, "orders/_section_discussion.html", context, status=422 if error else 200)
    if not error:
        messages.success(request, _("Comment posted."))
    elif form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.error(request, error)
    return redirect(order_page_url(pk, panel="discussion"))

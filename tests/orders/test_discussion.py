"""Talking about an order (issue #20 item 7, policy 4.2.2): the thread's services, selectors and views.

Whoever may see the order may write in its thread; an @mention reaches the person named (an email in their
language through the outbox, and "mentioned you" on their work page); naming someone who may not see the
order, or no one, refuses the whole comment; comments are append-only and recorded in the work record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.errors import InvalidInput, NotPermitted
from notifications.models import Notification
from orders.models import COMMENT_MAX_CHARS, EventType, OrderComment, OrderEvent, OrderMention
from orders.selectors import mentions_for, order_comments
from orders.services import order_comment_post
from orders.services.discussion import mentioned_usernames

from ..factories import make_order


@pytest.fixture
def order(merchandiser):
    return make_order(merchandiser=merchandiser)


def test_mentions_are_parsed_once_each_and_not_from_email_addresses():
    text = "@li.na please check with @Wang_Wei, and @li.na again. Mail bob@example.com, not @."
    assert mentioned_usernames(text) == ["li.na", "Wang_Wei"]
    assert mentioned_usernames("(@qa1) @sup-2.") == ["qa1", "sup-2"]
    assert mentioned_usernames("no one") == []


@pytest.mark.django_db
def test_a_comment_with_a_mention_and_a_file_is_recorded_and_told(order, merchandiser, supervisor):
    supervisor.preferred_language = "zh-hans"
    supervisor.save()
    upload = SimpleUploadedFile("fabric.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    comment = order_comment_post(
        order_id=order.pk,
        actor=merchandiser,
        text=f"Fabric is late, @{supervisor.username}: can we move the slot?",
        uploaded=upload,
    )
    assert comment.attachment.original_name == "fabric.pdf"
    assert [m.user for m in comment.mentions.all()] == [supervisor]
    event = OrderEvent.objects.get(order=order, type=EventType.COMMENT)
    assert event.actor == merchandiser and event.note == comment.text
    assert event.payload["mentions"] == [supervisor.username]
    assert event.detail == f"@{supervisor.username} · fabric.pdf"
    assert OrderEvent.objects.filter(order=order, type=EventType.ATTACHMENT_ADDED).count() == 1
    # The email, in the recipient's language, with the comment and the link to the thread.
    mail = Notification.objects.get(kind="order_mention")
    assert mail.to_email == supervisor.email and mail.language == "zh-hans"
    assert "提到了你" in mail.subject
    assert "Fabric is late" in mail.body_text
    assert f"/orders/{order.pk}/?open=discussion#panel-discussion" in mail.body_text
    # Not among the order's customer notices (the page's "Customer notifications").
    assert mail.reference == f"order-mention:{order.pk}"
    assert [m.comment for m in mentions_for(user=supervisor)] == [comment]
    assert mentions_for(user=merchandiser) == []


@pytest.mark.django_db
def test_a_mention_of_someone_who_may_not_see_the_order_refuses_the_comment(order, merchandiser, other_merchandiser):
    with pytest.raises(InvalidInput) as refused:
        order_comment_post(order_id=order.pk, actor=merchandiser, text=f"@{other_merchandiser.username} look")
    assert f"@{other_merchandiser.username} may not see order" in " ".join(map(str, refused.value.reasons))
    with pytest.raises(InvalidInput) as unknown:
        order_comment_post(order_id=order.pk, actor=merchandiser, text="@nobody.here look")
    assert "@nobody.here" in " ".join(map(str, unknown.value.reasons))
    assert not OrderComment.objects.exists() and not Notification.objects.exists()
    assert not OrderEvent.objects.filter(type=EventType.COMMENT).exists()


@pytest.mark.django_db
def test_who_may_write_is_who_may_read(order, merchandiser, supervisor, qa_user, other_merchandiser):
    # QA reads every order, so it may raise a problem in the thread, and be named in it.
    order_comment_post(order_id=order.pk, actor=qa_user, text=f"Sample failed, @{merchandiser.username}")
    order_comment_post(order_id=order.pk, actor=merchandiser, text=f"@{qa_user.username} re-test booked")
    with pytest.raises(NotPermitted):
        order_comment_post(order_id=order.pk, actor=other_merchandiser, text="hello")
    assert [c.author for c in order_comments(order=order)] == [qa_user, merchandiser]
    # A mention of oneself is no mention.
    comment = order_comment_post(order_id=order.pk, actor=supervisor, text=f"note to self @{supervisor.username}")
    assert not comment.mentions.exists()


@pytest.mark.django_db
def test_empty_and_too_long_comments_are_refused(order, merchandiser):
    with pytest.raises(InvalidInput):
        order_comment_post(order_id=order.pk, actor=merchandiser, text="   ")
    with pytest.raises(InvalidInput):
        order_comment_post(order_id=order.pk, actor=merchandiser, text="x" * (COMMENT_MAX_CHARS + 1))


@pytest.mark.django_db
def test_comments_and_mentions_are_append_only(order, merchandiser, supervisor):
    comment = order_comment_post(order_id=order.pk, actor=merchandiser, text=f"@{supervisor.username} hi")
    with pytest.raises(PermissionError):
        OrderComment.objects.filter(pk=comment.pk).update(text="changed")
    with pytest.raises(PermissionError):
        OrderMention.objects.all().delete()


@pytest.mark.django_db
def test_mentions_follow_visibility(order, merchandiser, supervisor, other_merchandiser):
    """A mention on an order the person can no longer see (handed to another team) leaves their list."""
    order_comment_post(order_id=order.pk, actor=merchandiser, text=f"@{supervisor.username} hi")
    assert len(mentions_for(user=supervisor)) == 1
    order.merchandiser = other_merchandiser
    order.save(update_fields=["merchandiser"])
    assert mentions_for(user=supervisor) == []


# --- the views ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_posting_without_javascript_redirects_to_the_thread(client, order, merchandiser, supervisor):
    client.force_login(merchandiser)
    url = reverse("orders:comment", kwargs={"pk": order.pk})
    response = client.post(url, {"text": f"<script>alert(1)</script> @{supervisor.username}"})
    assert response.status_code == 302 and response.url.endswith("?tab=record#order-tab")  # the thread's tab
    page = client.get(response.url)
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'id="discussion"' in html
    # The person named sees it on their work page.
    client.force_login(supervisor)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert "Mentioned you" in home and "&lt;script&gt;" in home and "<script>alert(1)" not in home


@pytest.mark.django_db
def test_posting_with_htmx_returns_the_thread_alone(client, order, merchandiser):
    client.force_login(merchandiser)
    url = reverse("orders:comment", kwargs={"pk": order.pk})
    response = client.post(url, {"text": "Carton marks sent"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<div") or 'id="discussion"' in html
    assert "Carton marks sent" in html and "<html" not in html


@pytest.mark.django_db
def test_a_refused_mention_says_why_with_and_without_htmx(client, order, merchandiser, other_merchandiser):
    client.force_login(merchandiser)
    url = reverse("orders:comment", kwargs={"pk": order.pk})
    text = f"@{other_merchandiser.username} please"
    response = client.post(url, {"text": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert "may not see order" in html and text in html  # the text is kept to be corrected
    response = client.post(url, {"text": text}, follow=True)
    assert response.status_code == 200 and "may not see order" in response.content.decode()
    assert not OrderComment.objects.exists()


@pytest.mark.django_db
def test_very_long_text_and_a_bad_file_get_a_message_not_a_500(client, order, merchandiser):
    client.force_login(merchandiser)
    url = reverse("orders:comment", kwargs={"pk": order.pk})
    response = client.post(url, {"text": "x" * 100_000}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "at most 4000 characters" in response.content.decode()
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"text": "see file", "file": bad}, follow=True)
    assert response.status_code == 200 and "are not accepted" in response.content.decode()
    assert not OrderComment.objects.exists()


@pytest.mark.django_db
def test_posting_needs_the_csrf_token(order, merchandiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(merchandiser)
    response = client.post(reverse("orders:comment", kwargs={"pk": order.pk}), {"text": "no token"})
    assert response.status_code == 403
    assert not OrderComment.objects.exists()


@pytest.mark.django_db
def test_someone_who_may_not_see_the_order_cannot_post(client, order, other_merchandiser):
    client.force_login(other_merchandiser)
    response = client.post(reverse("orders:comment", kwargs={"pk": order.pk}), {"text": "hi"})
    assert response.status_code == 404
    assert not OrderComment.objects.exists()


@pytest.mark.django_db
def test_html_in_a_comment_is_escaped_in_the_email(order, merchandiser, supervisor):
    order_comment_post(order_id=order.pk, actor=merchandiser, text=f'<img src=x onerror="1"> @{supervisor.username}')
    mail = Notification.objects.get(kind="order_mention")
    assert "&lt;img src=x" in mail.body_html and "<img" not in mail.body_html

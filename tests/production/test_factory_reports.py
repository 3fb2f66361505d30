"""The factory reports from its phone: the signed link, the report with its photos (resized, EXIF gone,
hostile files refused), the merchandiser's one-click confirmation as the day's check-in, the notice, the
board, the rate limit, and the plain words of an expired or withdrawn link."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from notifications.models import InboxItem, Notification
from orders.models import OrderEvent
from production.models import CheckIn, CheckInStatus, ContactMethod, FactoryLink, FactoryPhoto, FactoryReport
from production.photos import photo_prepare
from production.selectors import factory_link_token, factory_report_problems
from production.services import (
    FactoryReportInput,
    checkins_mark_missed,
    factory_link_create,
    factory_link_revoke,
    factory_report_confirm,
    factory_report_submit,
)

from .conftest import entered_order, in_production_order

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(40, 30), exif=None, mode="RGB") -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, "red" if mode == "RGB" else None)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def upload(content: bytes, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: turned 90°
    exif[0x8825] = {1: "N", 2: (30.0, 0.0, 0.0)}  # GPS
    return exif.tobytes()


@pytest.fixture
def order(merchandiser):
    return in_production_order(merchandiser)


@pytest.fixture
def link(order, merchandiser):
    return factory_link_create(order_id=order.pk, actor=merchandiser)


def page_url(link) -> str:
    return reverse("production:factory_page", kwargs={"token": factory_link_token(link)})


# --- photos -----------------------------------------------------------------------------------------
def test_a_photo_is_re_encoded_as_jpeg_without_exif_and_turned_upright():
    prepared = photo_prepare(upload(image_bytes("JPEG", (40, 30), exif=gps_exif()), "p.jpg", "image/jpeg"))
    result = Image.open(io.BytesIO(prepared.content))
    assert result.format == "JPEG"
    assert not result.getexif()  # no GPS, no maker, no orientation left
    assert b"PhoneMaker" not in prepared.content
    assert (prepared.width, prepared.height) == (30, 40)  # the orientation was applied before it was dropped
    assert prepared.name == "p.jpg"


@override_settings(FACTORY_PHOTO_MAX_SIDE=100)
def test_a_large_photo_is_shrunk_to_the_longest_side_setting():
    prepared = photo_prepare(upload(image_bytes("PNG", (400, 200))))
    assert (prepared.width, prepared.height) == (100, 50)


def test_webp_and_transparent_png_are_taken():
    assert photo_prepare(upload(image_bytes("WEBP"), "p.webp", "image/webp")).content_type == "image/jpeg"
    assert photo_prepare(upload(image_bytes("PNG", mode="RGBA"))).width == 40


@pytest.mark.parametrize(
    "content, name",
    [
        (b"%PDF-1.4 not an image", "report.pdf"),
        (b"<script>alert(1)</script>", "photo.png"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "IMG_0001.HEIC"),  # HEIC: Pillow cannot read it
        (image_bytes("PNG")[:60], "cut.png"),  # truncated
    ],
)
def test_a_file_that_is_not_a_readable_photo_is_refused_with_a_message(content, name):
    with pytest.raises(InvalidInput) as error:
        photo_prepare(upload(content, name))
    assert name in str(error.value.message) and "JPEG, PNG or WebP" in str(error.value.message)


def test_an_image_type_we_do_not_take_is_refused():
    with pytest.raises(InvalidInput, match="GIF"):
        photo_prepare(upload(image_bytes("GIF"), "anim.gif", "image/gif"))


@override_settings(FACTORY_PHOTO_MAX_MB=1)
def test_a_photo_over_the_size_limit_is_refused():
    with pytest.raises(InvalidInput, match="1 MB"):
        photo_prepare(upload(b"\xff" * (1024 * 1024 + 1), "big.jpg", "image/jpeg"))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # A small file claiming a huge canvas: a 1-bit PNG of 20000 × 20000 compresses to almost nothing.
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(InvalidInput, match="too many pixels"):
        photo_prepare(upload(out.getvalue(), "bomb.png"))


# --- the link ----------------------------------------------------------------------------------------
def test_making_a_link_needs_a_run_and_the_right_to_edit(merchandiser, other_merchandiser, supervisor):
    order = in_production_order(merchandiser)
    with pytest.raises(NotPermitted):
        factory_link_create(order_id=order.pk, actor=other_merchandiser)
    first = factory_link_create(order_id=order.pk, actor=merchandiser)
    second = factory_link_create(order_id=order.pk, actor=supervisor)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None  # one working link per run
    assert second.expires_at > timezone.now() + timedelta(days=29)
    assert OrderEvent.objects.filter(order=order, payload__action="factory_link_made").count() == 2


def test_an_order_not_yet_entered_gets_no_link(merchandiser):
    from tests.factories import make_order

    order = make_order(merchandiser=merchandiser)
    with pytest.raises(TransitionRefused):
        factory_link_create(order_id=order.pk, actor=merchandiser)
    entered = entered_order(merchandiser)
    with pytest.raises(InvalidInput, match="production run"):
        factory_link_create(order_id=entered.pk, actor=merchandiser)


# --- the report --------------------------------------------------------------------------------------
def test_a_report_is_stored_with_its_milestones_photos_record_line_and_notice(order, link, merchandiser):
    milestone = order.production_plan.milestones.order_by("sequence").first()
    today = timezone.localdate()
    report = factory_report_submit(
        link_id=link.pk,
        data=FactoryReportInput(
            reporter_name=" Foreman Wu ",
            quantity_done=1200,
            problems="Zip supplier late",
            milestones={milestone.pk: today},
            photos=(upload(image_bytes()), upload(image_bytes("JPEG"), "b.jpg", "image/jpeg")),
        ),
    )
    assert report.reporter_name == "Foreman Wu"
    assert [m.milestone_id for m in report.milestones.all()] == [milestone.pk]
    assert FactoryPhoto.objects.filter(report=report).count() == 2
    assert all(
        p.content_type == "image/jpeg" and p.file.name.startswith("factory-photos/") for p in report.photos.all()
    )
    assert OrderEvent.objects.filter(order=order, payload__action="factory_report").exists()
    notice = Notification.objects.get(kind="factory_report")
    assert notice.to_email == merchandiser.email and order.display_number in notice.subject
    inbox = InboxItem.objects.get(user=merchandiser, kind="factory_report")
    assert order.display_number in inbox.title and inbox.read_at is None
    # Nothing is recorded as a check-in until the merchandiser confirms it.
    assert not CheckIn.objects.filter(order=order, status=CheckInStatus.DONE).exists()


def test_a_report_refuses_too_many_photos_an_empty_report_and_a_future_milestone(order, link):
    milestone = order.production_plan.milestones.first()
    tomorrow = timezone.localdate() + timedelta(days=1)
    cases = [
        FactoryReportInput(reporter_name="Wu", photos=tuple(upload(image_bytes()) for _ in range(6))),
        FactoryReportInput(reporter_name="Wu"),
        FactoryReportInput(reporter_name="", quantity_done=5),
        FactoryReportInput(reporter_name="Wu", milestones={milestone.pk: tomorrow}),
    ]
    for data in cases:
        with pytest.raises(InvalidInput):
            factory_report_submit(link_id=link.pk, data=data)
    assert not FactoryReport.objects.exists()


def test_a_milestone_of_another_order_is_refused(order, link, merchandiser):
    other = in_production_order(merchandiser)
    foreign = other.production_plan.milestones.first()
    with pytest.raises(InvalidInput):
        factory_report_submit(
            link_id=link.pk,
            data=FactoryReportInput(reporter_name="Wu", milestones={foreign.pk: timezone.localdate()}),
        )


def test_a_withdrawn_or_expired_link_takes_no_report(order, link, merchandiser):
    factory_link_revoke(order_id=order.pk, link_id=link.pk, actor=merchandiser)
    with pytest.raises(TransitionRefused, match="withdrawn"):
        factory_report_submit(link_id=link.pk, data=FactoryReportInput(reporter_name="Wu", quantity_done=1))
    fresh = factory_link_create(order_id=order.pk, actor=merchandiser)
    FactoryLink.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(TransitionRefused, match="expired"):
        factory_report_submit(link_id=fresh.pk, data=FactoryReportInput(reporter_name="Wu", quantity_done=1))


# --- confirming it as the day's check-in ---------------------------------------------------------------
def test_confirming_records_the_days_checkin_through_the_checkin_service(order, link, merchandiser):
    milestone = order.production_plan.milestones.order_by("sequence").first()
    reached = timezone.localdate() - timedelta(days=1)
    report = factory_report_submit(
        link_id=link.pk,
        data=FactoryReportInput(
            reporter_name="Foreman Wu", quantity_done=800, problems="Rain", milestones={milestone.pk: reached}
        ),
    )
    checkin = factory_report_confirm(order_id=order.pk, report_id=report.pk, actor=merchandiser)
    assert checkin.day == timezone.localdate() and checkin.status == CheckInStatus.DONE
    assert checkin.contact_method == ContactMethod.FACTORY and checkin.contact_name == "Foreman Wu"
    assert checkin.quantity_done == 800 and checkin.problems == "Rain"
    milestone.refresh_from_db()
    assert milestone.actual_date == reached  # the factory's date, not the day of confirmation
    report.refresh_from_db()
    assert report.checkin == checkin and report.confirmed_by == merchandiser
    # The night job counts it as done, not missed.
    checkins_mark_missed(day=timezone.localdate())
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.DONE
    with pytest.raises(InvalidInput, match="already"):
        factory_report_confirm(order_id=order.pk, report_id=report.pk, actor=merchandiser)


def test_only_someone_who_may_change_the_order_confirms(order, link, other_merchandiser, qa_user):
    report = factory_report_submit(link_id=link.pk, data=FactoryReportInput(reporter_name="Wu", quantity_done=1))
    for person in (other_merchandiser, qa_user):
        with pytest.raises(NotPermitted):
            factory_report_confirm(order_id=order.pk, report_id=report.pk, actor=person)


def test_a_factory_problem_reaches_the_supervisors_board(client, order, link, supervisor, other_merchandiser):
    factory_report_submit(link_id=link.pk, data=FactoryReportInput(reporter_name="Wu", problems="Needle broke"))
    today = timezone.localdate()
    assert [r.problems for r in factory_report_problems(user=supervisor, since=today, until=today)] == ["Needle broke"]
    assert factory_report_problems(user=other_merchandiser, since=today, until=today) == []
    client.force_login(supervisor)
    page = client.get(reverse("production:board")).content.decode()
    assert "Needle broke" in page and 'id="factory-problems"' in page


# --- the phone page ------------------------------------------------------------------------------------
def test_the_phone_page_is_chinese_by_default_and_english_on_request(client, link):
    page = client.get(page_url(link))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    assert "发送汇报" in page.content.decode()
    client.cookies["django_language"] = "en"
    assert "Send the report" in client.get(page_url(link)).content.decode()


def test_the_phone_page_posts_a_report_with_a_photo(client, order, link):
    milestone = order.production_plan.milestones.order_by("sequence").first()
    data = {
        "reporter_name": "Foreman Wu",
        "quantity_done": "300",
        "problems": "",
        f"milestone_{milestone.pk}": timezone.localdate().isoformat(),
        "photos": [upload(image_bytes()), upload(image_bytes("JPEG"), "b.jpg", "image/jpeg")],
    }
    response = client.post(page_url(link), data)
    assert response.status_code == 302
    report = FactoryReport.objects.get()
    assert report.quantity_done == 300 and report.photos.count() == 2 and report.milestones.count() == 1
    assert "已发送" in client.get(response["Location"]).content.decode()


def test_the_phone_page_answers_a_hostile_photo_with_a_message(client, link):
    data = {"reporter_name": "Wu", "quantity_done": "3", "photos": [upload(b"MZ\x90\x00 an exe", "photo.jpg")]}
    response = client.post(page_url(link), data)
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not FactoryReport.objects.exists()


def test_the_phone_page_says_plainly_when_a_link_is_withdrawn_expired_or_wrong(client, order, link, merchandiser):
    client.cookies["django_language"] = "en"
    factory_link_revoke(order_id=order.pk, link_id=link.pk, actor=merchandiser)
    withdrawn = client.get(page_url(link))
    assert withdrawn.status_code == 200 and "This link was withdrawn" in withdrawn.content.decode()
    assert client.post(page_url(link), {"reporter_name": "Wu", "quantity_done": "1"}).status_code == 200
    assert not FactoryReport.objects.exists()
    fresh = factory_link_create(order_id=order.pk, actor=merchandiser)
    FactoryLink.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "This link has expired" in client.get(page_url(fresh)).content.decode()
    forged = factory_link_token(fresh)[:-3] + "AAA"
    wrong = client.get(reverse("production:factory_page", kwargs={"token": forged}))
    assert wrong.status_code == 404 and "This link does not work" in wrong.content.decode()


@override_settings(FACTORY_REPORTS_PER_HOUR=2)
def test_the_phone_page_is_rate_limited(client, link):
    for _ in range(2):
        assert client.post(page_url(link), {"reporter_name": "Wu", "quantity_done": "1"}).status_code == 302
    third = client.post(page_url(link), {"reporter_name": "Wu", "quantity_done": "1"})
    assert third.status_code == 429 and "过去一小时" in third.content.decode()
    assert FactoryReport.objects.count() == 2


# --- the order page and the photos -----------------------------------------------------------------------
def test_the_order_page_shows_the_link_and_the_reports_and_confirms_in_one_click(client, order, link, merchandiser):
    report = factory_report_submit(
        link_id=link.pk, data=FactoryReportInput(reporter_name="Foreman Wu", photos=(upload(image_bytes()),))
    )
    client.force_login(merchandiser)
    page = client.get(reverse("orders:section", kwargs={"pk": order.pk, "key": "production"})).content.decode()
    assert factory_link_token(link) in page and "data:image/svg+xml;base64," in page
    photo = report.photos.get()
    assert reverse("production:factory_photo", args=[order.pk, photo.pk]) in page
    response = client.post(reverse("production:factory_report_confirm", args=[order.pk, report.pk]))
    assert response.status_code == 302
    assert CheckIn.objects.get(order=order, day=timezone.localdate()).status == CheckInStatus.DONE


def test_photos_are_served_only_to_people_who_may_see_the_order(
    client, order, link, merchandiser, supervisor, other_merchandiser
):
    report = factory_report_submit(
        link_id=link.pk, data=FactoryReportInput(reporter_name="Wu", photos=(upload(image_bytes()),))
    )
    url = reverse("production:factory_photo", args=[order.pk, report.photos.get().pk])
    assert client.get(url).status_code == 302  # sign in first
    for person, status in ((merchandiser, 200), (supervisor, 200), (other_merchandiser, 404)):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == status
    client.force_login(merchandiser)
    response = client.get(url)
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    other = in_production_order(merchandiser)
    assert client.get(reverse("production:factory_photo", args=[other.pk, report.photos.get().pk])).status_code == 404


def test_withdraw_and_new_link_from_the_order_page(client, order, link, merchandiser, qa_user):
    client.force_login(qa_user)
    assert client.post(reverse("production:factory_link_new", args=[order.pk])).status_code == 403
    client.force_login(merchandiser)
    client.post(reverse("production:factory_link_withdraw", args=[order.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.post(reverse("production:factory_link_new", args=[order.pk]))
    assert FactoryLink.objects.filter(order=order, revoked_at__isnull=True).count() == 1

"""After-sales pages: opening a case from a call, working it, who may do what, feedback pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.models import Case, CaseStatus, Feedback
from aftersales.services import CaseInput, case_open, feedback_log

from ..logistics.helpers import after_sales_order, fresh


@pytest.fixture
def case(merchandiser):
    order = after_sales_order(merchandiser)
    return case_open(
        order_id=order.pk,
        actor=merchandiser,
        data=CaseInput(case_type="complaint", channel="email", subject="Late delivery", description="Two weeks late"),
    )


def test_staff_open_a_case_from_a_call(client, merchandiser):
    order = after_sales_order(merchandiser)
    client.force_login(merchandiser)

    response = client.post(
        reverse("aftersales:case_new", args=[order.pk]),
        {
            "channel": "phone",
            "case_type": "quality",
            "severity": "high",
            "subject": "Colour bleeding",
            "description": "Red dye runs at 30 °C",
            "contact_name": "Anna Berg",
            "attachment": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff jpeg"),
        },
    )

    case = Case.objects.get(order=order)
    assert response.status_code == 302
    assert (case.channel, case.severity, case.owner, case.created_by) == ("phone", "high", merchandiser, merchandiser)
    assert case.attachments.count() == 1


def test_working_a_case_through_its_page(client, merchandiser, case):
    client.force_login(merchandiser)
    page = client.get(reverse("aftersales:case_detail", args=[case.pk])).content.decode()
    assert "Start work (first response)" in page

    client.post(reverse("aftersales:case_step", args=[case.pk, "start"]), {"note": "Called back"})
    client.post(
        reverse("aftersales:case_edit", args=[case.pk]),
        {
            "severity": "high",
            "case_type": "complaint",
            "owner": merchandiser.pk,
            "root_cause": "Vessel rolled over",
            "corrective_action": "Book earlier vessel",
            "resolution": "",
        },
    )
    client.post(reverse("aftersales:case_step", args=[case.pk, "resolve"]), {"resolution": "Discount 3 %"})

    case = fresh(case)
    assert case.status == CaseStatus.RESOLVED
    assert (case.root_cause, case.resolution, case.severity) == ("Vessel rolled over", "Discount 3 %", "high")
    history = client.get(reverse("aftersales:case_detail", args=[case.pk])).content.decode()
    assert "Work started (first response)" in history


@pytest.mark.parametrize("who", ["qa_user", "management_user"])
def test_read_only_roles_see_the_case_but_cannot_act(client, request, case, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("aftersales:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert "Start work" not in page.content.decode()
    assert client.post(reverse("aftersales:case_step", args=[case.pk, "start"])).status_code == 403
    assert client.post(reverse("aftersales:case_edit", args=[case.pk]), {}).status_code == 403
    assert fresh(case).status == CaseStatus.OPEN


def test_another_teams_merchandiser_cannot_see_or_touch_the_case(client, other_merchandiser, case):
    client.force_login(other_merchandiser)
    assert client.get(reverse("aftersales:case_detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("aftersales:case_step", args=[case.pk, "start"])).status_code == 404
    assert client.get(reverse("aftersales:case_new", args=[case.order_id])).status_code == 404
    assert fresh(case).status == CaseStatus.OPEN


def test_hr_has_no_case_pages_to_act_on(client, hr_user, case):
    client.force_login(hr_user)
    assert client.get(reverse("aftersales:case_new", args=[case.order_id])).status_code == 403


def test_the_owner_from_another_team_can_work_the_case(client, merchandiser, other_merchandiser, case):
    fresh_case = fresh(case)
    from aftersales.services import case_update

    case_update(case_id=fresh_case.pk, actor=merchandiser, owner=other_merchandiser)
    client.force_login(other_merchandiser)
    assert client.get(reverse("aftersales:case_detail", args=[case.pk])).status_code == 200
    client.post(reverse("aftersales:case_step", args=[case.pk, "start"]), {"note": "On it"})
    assert fresh(case).status == CaseStatus.IN_PROGRESS


def test_case_list_and_dashboard_blocks(client, merchandiser, supervisor, case, django_assert_max_num_queries):
    client.force_login(merchandiser)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("aftersales:case_list") + "?scope=all").content.decode()
    assert case.reference in listing
    assert case.reference in client.get(reverse("dashboards:merchandiser")).content.decode()
    client.force_login(supervisor)
    assert case.reference in client.get(reverse("dashboards:supervisor")).content.decode()


def test_staff_log_feedback_from_a_call(client, merchandiser):
    order = after_sales_order(merchandiser)
    client.force_login(merchandiser)

    response = client.post(
        reverse("aftersales:feedback_new", args=[order.pk]),
        {"source": "call", "quality": "4", "delivery": "3", "communication": "5", "comment": "Happy overall"},
    )

    assert response.status_code == 302
    assert Feedback.objects.get(order=order).recorded_by == merchandiser


def test_a_rating_outside_one_to_five_in_the_staff_form_is_refused(client, merchandiser):
    order = after_sales_order(merchandiser)
    client.force_login(merchandiser)
    response = client.post(
        reverse("aftersales:feedback_new", args=[order.pk]),
        {"source": "call", "quality": "0", "delivery": "3", "communication": "5"},
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_feedback_list_per_customer_respects_visibility(client, merchandiser, other_merchandiser, qa_user):
    mine = after_sales_order(merchandiser)
    theirs = after_sales_order(other_merchandiser)
    for order, person in ((mine, merchandiser), (theirs, other_merchandiser)):
        feedback_log(order_id=order.pk, actor=person, source="call", quality=4, delivery=4, communication=4)

    client.force_login(merchandiser)
    page = client.get(reverse("aftersales:feedback_list")).content.decode()
    assert mine.number in page and theirs.number not in page

    client.force_login(qa_user)
    page = client.get(reverse("aftersales:feedback_list") + f"?customer={theirs.customer_id}").content.decode()
    assert theirs.number in page and mine.number not in page


def test_the_case_form_names_the_channel_in_chinese_not_the_delivery_signee(client, merchandiser, case):
    """ "Received by" is both the case's channel and who signed for a delivery; in Chinese they differ."""
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    form = client.get(reverse("aftersales:case_new", args=[case.order_id])).content.decode()
    detail = client.get(reverse("aftersales:case_detail", args=[case.pk])).content.decode()

    assert '<label for="id_channel">受理渠道</label>' in form
    assert "<dt>受理渠道</dt>" in detail
    assert "签收人" not in form + detail

"""The customer's status page: a signed, unguessable, revocable link to one order, read-only, in the
customer's language; a tampered, revoked or unknown link is a 404."""

import pytest
from django.urls import reverse

from aftersales.models import Case, CaseChannel, Feedback
from aftersales.services import CaseInput, case_open
from core.errors import NotPermitted
from logistics.models import StatusLink
from logistics.selectors import status_link_path, status_link_resolve, status_link_token
from logistics.services import status_link_ensure, status_link_revoke
from notifications.models import Notification
from orders import hooks
from orders.models import OrderEvent

from .helpers import after_sales_order, in_production_order, shipped_order


def page_of(order):
    return status_link_path(status_link_ensure(order=order))


def test_the_link_shows_the_order_its_shipment_and_tracking(client, merchandiser):
    order, shipment = shipped_order(merchandiser)

    response = client.get(page_of(order))

    assert response.status_code == 200
    page = response.content.decode()
    assert order.number in page
    assert "SF1234567890" in page
    assert 'href="https://www.sf-express.example/track?no=SF1234567890"' in page
    assert shipment.eta.isoformat() in page
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"  # the token never goes to a carrier's site


def test_the_page_shows_nothing_staff_only(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    case = case_open(
        order_id=order.pk,
        actor=merchandiser,
        data=CaseInput(case_type="quality", channel="phone", subject="Colour shade", description="Too dark"),
    )
    Case.objects.filter(pk=case.pk).update(root_cause="SECRET-ROOT-CAUSE", corrective_action="SECRET-ACTION")

    page = client.get(page_of(order)).content.decode()

    assert "Colour shade" in page  # their open case
    for secret in ("SECRET-ROOT-CAUSE", "SECRET-ACTION", merchandiser.username, "unit_price", "2.5000"):
        assert secret not in page
    assert 'href="/orders/' not in page


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "X" + token[1:],  # nonce changed
        lambda token: token.split(":")[0],  # signature removed
        lambda token: token + "x",
    ],
)
def test_a_tampered_link_is_a_404(client, merchandiser, tamper):
    order, _shipment = shipped_order(merchandiser)
    token = status_link_token(status_link_ensure(order=order))

    response = client.get(reverse("portal:status", kwargs={"token": tamper(token)}))

    assert response.status_code == 404
    assert order.number not in response.content.decode()


def test_a_forged_token_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert status_link_resolve(token="guessed:signature") is None


def test_a_revoked_link_is_a_404_and_the_new_one_works(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    old = page_of(order)
    assert client.get(old).status_code == 200

    status_link_revoke(order_id=order.pk, actor=merchandiser)

    assert client.get(old).status_code == 404
    assert client.get(page_of(order)).status_code == 200
    assert OrderEvent.objects.filter(order=order, payload__action="status_link_revoked").count() == 1


def test_only_the_orders_staff_can_revoke(merchandiser, other_merchandiser):
    order, _shipment = shipped_order(merchandiser)
    status_link_ensure(order=order)
    with pytest.raises(NotPermitted):
        status_link_revoke(order_id=order.pk, actor=other_merchandiser)


def test_a_link_opens_only_its_own_order(client, merchandiser):
    order_a, _ = shipped_order(merchandiser)
    order_b, _ = shipped_order(merchandiser)
    page_a = client.get(page_of(order_a)).content.decode()
    assert order_a.number in page_a
    assert order_b.number not in page_a
    # posting to order B's forms with order A's link touches only A
    token_a = status_link_token(StatusLink.objects.get(order=order_a))
    client.post(
        reverse("portal:open_case", kwargs={"token": token_a}),
        {"case-case_type": "inquiry", "case-subject": "Q", "case-description": "?", "case-contact_name": "Anna"},
    )
    assert list(Case.objects.values_list("order_id", flat=True)) == [order_a.pk]


def test_tokens_are_unguessable_and_distinct(merchandiser):
    order_a, _ = shipped_order(merchandiser)
    order_b, _ = shipped_order(merchandiser)
    a, b = (status_link_ensure(order=o) for o in (order_a, order_b))
    assert a.nonce != b.nonce
    assert len(a.nonce) >= 24  # 144 random bits
    token = status_link_token(a)
    assert token.split(":")[0] == a.nonce  # the token carries no order id, only the random nonce


def test_the_page_speaks_the_customers_language(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    customer = order.customer
    customer.preferred_language = "zh-hans"
    customer.save(update_fields=["preferred_language"])

    page = client.get(page_of(order)).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "发货" in page  # 发货记录 / 已发货


def test_the_page_records_when_the_customer_opened_it(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    client.get(page_of(order))
    assert StatusLink.objects.get(order=order).last_viewed_at is not None


def test_the_status_page_costs_a_fixed_number_of_queries(client, merchandiser, django_assert_max_num_queries):
    order, _shipment = shipped_order(merchandiser, lines=3)
    path = page_of(order)
    client.get(path)
    with django_assert_max_num_queries(14):
        client.get(path)


def test_milestones_come_through_the_hook_without_importing_production(client, merchandiser):
    order = in_production_order(merchandiser)

    def milestones(order_):
        return [{"label": "Fabric in-house", "planned": None, "actual": None, "done": True}]

    hooks.register_customer_milestones(milestones)
    try:
        page = client.get(page_of(order)).content.decode()
    finally:
        hooks._customer_milestones.remove(milestones)
    assert "Fabric in-house" in page


# --- what the customer can do ---------------------------------------------------------------------------
def test_the_customer_opens_a_case_from_the_page(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    token = status_link_token(status_link_ensure(order=order))

    response = client.post(
        reverse("portal:open_case", kwargs={"token": token}),
        {
            "case-case_type": "short_shipment",
            "case-subject": "Carton 7 missing",
            "case-description": "We counted 49 cartons, not 50.",
            "case-contact_name": "Anna Berg",
            "case-contact_email": "anna@nordic.example",
        },
        follow=True,
    )

    case = Case.objects.get(order=order)
    assert (case.channel, case.created_by, case.owner) == (CaseChannel.STATUS_PAGE, None, merchandiser)
    assert case.reference in response.content.decode()
    # the owner is told, through the outbox
    assert Notification.objects.get(kind="case_opened").to_email == merchandiser.email


def test_the_customer_cannot_flood_the_order_with_cases(client, merchandiser, settings):
    settings.PORTAL_MAX_OPEN_CASES = 2
    order, _shipment = shipped_order(merchandiser)
    url = reverse("portal:open_case", kwargs={"token": status_link_token(status_link_ensure(order=order))})
    data = {"case-case_type": "inquiry", "case-subject": "Q", "case-description": "?", "case-contact_name": "A"}
    for _ in range(3):
        client.post(url, data)
    assert Case.objects.filter(order=order).count() == 2


def test_the_survey_through_the_page_is_one_response_however_often_sent(client, merchandiser):
    order = after_sales_order(merchandiser)
    url = reverse("portal:survey", kwargs={"token": status_link_token(status_link_ensure(order=order))})
    ratings = {"survey-quality": "5", "survey-delivery": "4", "survey-communication": "5", "survey-comment": "OK"}

    first = client.post(url, ratings)
    second = client.post(url, {**ratings, "survey-delivery": "3"})

    assert (first.status_code, second.status_code) == (302, 302)
    response = Feedback.objects.get(order=order)
    assert (response.delivery, response.revisions, response.recorded_by) == (3, 1, None)


def test_a_rating_outside_one_to_five_on_the_page_is_refused(client, merchandiser):
    order = after_sales_order(merchandiser)
    url = reverse("portal:survey", kwargs={"token": status_link_token(status_link_ensure(order=order))})
    response = client.post(url, {"survey-quality": "9", "survey-delivery": "4", "survey-communication": "5"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_the_survey_is_not_offered_before_delivery(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    page = client.get(page_of(order)).content.decode()
    assert "survey-quality" not in page


def test_forms_post_only(client, merchandiser):
    order = after_sales_order(merchandiser)
    token = status_link_token(status_link_ensure(order=order))
    assert client.get(reverse("portal:survey", kwargs={"token": token})).status_code == 405
    assert client.post(page_of(order)).status_code == 405

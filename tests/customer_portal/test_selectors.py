"""Another customer's data is never visible in the portal; bad input is answered, never a 500."""

import pytest

from customer_portal.selectors import portal_cases, portal_documents, portal_orders, portal_shipments

pytestmark = pytest.mark.django_db


def test_the_lists_hold_the_contacts_company_only(client, contact_user, orders_of_two_companies):
    mine, theirs = orders_of_two_companies
    customer = contact_user.customer_contact.customer
    assert list(portal_orders(customer=customer)) == [mine]
    assert not portal_shipments(customer=customer).filter(order=theirs).exists()
    assert not portal_documents(customer=customer).filter(order=theirs).exists()
    assert not portal_cases(customer=customer).filter(order=theirs).exists()

    client.force_login(contact_user)
    page = client.get("/customer/orders/").content.decode()
    assert "PO-MINE-1" in page and "PO-THEIRS-1" not in page
    assert client.get(f"/customer/orders/{mine.pk}/").status_code == 200
    assert client.get(f"/customer/orders/{theirs.pk}/").status_code == 404


def test_search_and_filters(client, contact_user, orders_of_two_companies):
    mine, _theirs = orders_of_two_companies
    client.force_login(contact_user)
    assert "PO-MINE-1" in client.get("/customer/orders/?q=PO-MINE").content.decode()
    assert "PO-MINE-1" not in client.get("/customer/orders/?q=nothing-like-it").content.decode()
    assert "PO-MINE-1" in client.get("/customer/orders/?status=received").content.decode()
    assert "PO-MINE-1" not in client.get("/customer/orders/?status=shipped").content.decode()
    style = mine.lines.first().product.style_no
    assert "PO-MINE-1" in client.get(f"/customer/orders/?q={style}").content.decode()


@pytest.mark.parametrize(
    "query",
    ["?status=nonsense", "?delivery_from=2026-13-45", "?q=" + "x" * 500, "?page=-1", "?sort=secret", "?q=%00"],
)
def test_bad_input_is_answered_never_a_500(client, contact_user, query):
    client.force_login(contact_user)
    assert client.get("/customer/orders/" + query).status_code in (200, 400)


def test_the_order_page_shows_no_internal_notes(client, contact_user, orders_of_two_companies, merchandiser):
    mine, _ = orders_of_two_companies
    client.force_login(contact_user)
    page = client.get(f"/customer/orders/{mine.pk}/").content.decode()
    assert mine.display_number in page
    assert merchandiser.username not in page  # no owner, no work record
    assert "2.5" not in page  # no prices


def test_documents_download_own_pdfs_only(client, contact_user, merchandiser, other_merchandiser):
    from documents.services import pi_generate

    from ..logistics.helpers import in_production_order

    mine = pi_generate(
        order_id=in_production_order(merchandiser, customer=contact_user.customer_contact.customer).pk,
        actor=merchandiser,
    )
    theirs = pi_generate(order_id=in_production_order(other_merchandiser).pk, actor=other_merchandiser)
    client.force_login(contact_user)
    listed = client.get("/customer/documents/").content.decode()
    assert f"/customer/documents/{mine.pk}/" in listed and f"/customer/documents/{theirs.pk}/" not in listed
    download = client.get(f"/customer/documents/{mine.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert client.get(f"/customer/documents/{theirs.pk}/").status_code == 404


def test_shipments_cases_and_surveys_pages_open(client, contact_user):
    client.force_login(contact_user)
    for path in ("/customer/shipments/", "/customer/requests/", "/customer/surveys/"):
        assert client.get(path).status_code == 200, path


def test_shipments_documents_and_requests_are_searched_and_filtered(client, contact_user, merchandiser):
    from documents.services import pi_generate

    from ..logistics.helpers import in_production_order, ship

    order = in_production_order(merchandiser, customer=contact_user.customer_contact.customer, customer_po="PO-SHIP-7")
    ship(order, merchandiser)
    pi = pi_generate(order_id=order.pk, actor=merchandiser)
    client.force_login(contact_user)
    assert order.display_number in client.get("/customer/shipments/?q=PO-SHIP").content.decode()
    assert order.display_number not in client.get("/customer/shipments/?q=PO-OTHER").content.decode()
    assert order.display_number in client.get("/customer/shipments/?delivered=no").content.decode()
    assert order.display_number not in client.get("/customer/shipments/?delivered=yes").content.decode()
    assert f"/customer/documents/{pi.pk}/" in client.get("/customer/documents/?kind=pi&q=PO-SHIP").content.decode()
    assert f"/customer/documents/{pi.pk}/" not in client.get("/customer/documents/?kind=packing_list").content.decode()
    assert client.get("/customer/requests/?status=nonsense").status_code == 200


def test_surveys_are_searched_and_the_low_scores_found(client, contact_user, merchandiser):
    from aftersales.models import Feedback, FeedbackSource

    from ..logistics.helpers import in_production_order

    customer = contact_user.customer_contact.customer
    low = in_production_order(merchandiser, customer=customer, customer_po="PO-LOW-1")
    high = in_production_order(merchandiser, customer=customer, customer_po="PO-HIGH-1")
    for order, score, comment in ((low, 2, "Cartons were crushed"), (high, 5, "All good")):
        Feedback.objects.create(
            order=order,
            customer=customer,
            source=FeedbackSource.SURVEY,
            quality=5,
            delivery=score,
            communication=5,
            comment=comment,
        )
    client.force_login(contact_user)

    def shown(query):
        page = client.get(f"/customer/surveys/{query}")
        assert page.status_code == 200
        text = page.content.decode()
        return {order.customer_po for order in (low, high) if order.display_number in text}

    assert shown("") == {"PO-LOW-1", "PO-HIGH-1"}
    assert shown("?q=PO-HIGH") == {"PO-HIGH-1"}
    assert shown("?q=crushed") == {"PO-LOW-1"}
    assert shown("?low=2") == {"PO-LOW-1"}  # its delivery score was 2
    assert shown("?low=1") == set()
    assert shown("?low=9") == set()  # not a choice: the filter's error shows, no rows, no 500

"""The order list's pages at any depth: keyset links in the default sort, lazy filter options."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order

from ..factories import CustomerFactory
from .helpers import bulk_orders

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="([^"]+)" rel="(next|prev)">')


def page(client, url: str) -> tuple[list[int], dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    rows = [row.record.pk for row in response.context["table"].page.object_list]
    links = {rel: "/orders/" + unescape(href) for href, rel in LINK.findall(response.content.decode())}
    return rows, links


@pytest.fixture
def sixty_orders(merchandiser):
    orders = bulk_orders(merchandiser=merchandiser, n=60)
    # ties on received_at across a page boundary: the id decides, and no row is lost or shown twice
    Order.objects.filter(pk__in=[o.pk for o in orders[20:30]]).update(received_at=timezone.now())
    return list(Order.objects.order_by("-received_at", "-id").values_list("pk", flat=True))


def test_next_links_walk_every_order_once_in_order_and_previous_links_walk_back(client, merchandiser, sixty_orders):
    client.force_login(merchandiser)
    seen, pages, url = [], [], "/orders/?per_page=25"
    while url:
        rows, links = page(client, url)
        seen += rows
        pages.append((url, rows))
        url = links.get("next")
    assert seen == sixty_orders
    assert [len(rows) for _url, rows in pages] == [25, 25, 10]
    # and back up from the last page, by the previous links
    url = page(client, pages[-1][0])[1]["prev"]
    for _url, expected in reversed(pages[:-1]):
        rows, links = page(client, url)
        assert rows == expected
        url = links.get("prev")
    assert url is None


def test_a_typed_page_number_still_works(client, merchandiser, sixty_orders):
    client.force_login(merchandiser)
    rows, links = page(client, "/orders/?page=2")
    assert rows == sixty_orders[25:50]
    assert "after=" in links["next"] and "page=3" in links["next"]


def test_a_deep_keyset_page_reads_an_index_range_not_an_offset(client, merchandiser, sixty_orders):
    client.force_login(merchandiser)
    _rows, links = page(client, "/orders/")
    with CaptureQueriesContext(connection) as captured:
        client.get(links["next"])
    listing = [q["sql"] for q in captured.captured_queries if 'FROM "orders_order"' in q["sql"]]
    assert listing, "the list query was not captured"
    assert all("OFFSET" not in sql.upper() for sql in listing), listing


def test_other_sorts_still_page_by_number(client, merchandiser, sixty_orders):
    client.force_login(merchandiser)
    rows, links = page(client, "/orders/?sort=customer_po")
    assert len(rows) == 25
    assert "page=2" in links["next"] and "after=" not in links["next"]


@pytest.mark.parametrize(
    "query",
    [
        "after=not-a-cursor",
        "before=1_x",
        "after=99999999999999999999_1",
        "before=1_99999999999999999999",
        "page=7",
        "page=-3",
        "page=abc",
        "page=99999999999999999999999",
    ],
)
def test_a_tampered_cursor_or_page_shows_the_first_page(client, merchandiser, sixty_orders, query):
    client.force_login(merchandiser)
    rows, _links = page(client, f"/orders/?{query}")
    assert rows == sixty_orders[:25]


def test_long_selects_render_only_the_chosen_option_and_load_the_rest(client, supervisor, merchandiser):
    # given many customers
    chosen = CustomerFactory(name_en="Chosen Ltd")
    CustomerFactory.create_batch(30)
    client.force_login(supervisor)
    # when the list is shown filtered by one customer
    html = client.get(f"/orders/?customer={chosen.pk}").content.decode()
    # then the page carries that customer only, and the select fetches the others
    select = re.search(r'<select name="customer".*?</select>', html, re.S).group(0)
    assert select.count("<option") == 2  # the empty choice and the chosen customer
    assert "selected" in select and "Chosen Ltd" in select
    assert 'hx-get="/orders/filter-options/customer/"' in select
    options = client.get("/orders/filter-options/customer/", {"customer": chosen.pk})
    assert options.status_code == 200
    assert options.content.decode().count("<option") == 32
    assert f'<option value="{chosen.pk}" selected>' in options.content.decode()


def test_filter_options_need_a_staff_role(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password="x"))
    assert client.get("/orders/filter-options/customer/").status_code == 404
    client.logout()
    assert client.get("/orders/filter-options/customer/").status_code == 302

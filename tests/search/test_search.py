"""search/: the top bar's search box finds each kind by its numbers and names, by prefix, with typos on
PostgreSQL, only among what the viewer may see, and answers any input without an error."""

import pytest
from django.urls import reverse

from accounts.models import User
from aftersales.services import CaseInput, case_open
from search.selectors import MAX_LENGTH, search_everything

from ..conftest import IN_CI, is_postgres
from ..factories import CustomerFactory, ProductFactory, make_order
from ..logistics.helpers import after_sales_order, fresh, in_production_order, ship


def _hits(results, key) -> list[str]:
    return [hit.title for group in results.groups if group.key == key for hit in group.hits]


def _urls(results, key) -> list[str]:
    return [hit.url for group in results.groups if group.key == key for hit in group.hits]


@pytest.fixture
def nordic(merchandiser):
    return CustomerFactory(code="NOG", name_en="Nordic Outdoor Gear", name_zh="北欧户外", merchandiser=merchandiser)


@pytest.fixture
def world(merchandiser, other_merchandiser, nordic):
    """Team A's order for Nordic in production, shipped, with a case; and team B's own order."""
    order = in_production_order(merchandiser, customer=nordic, customer_po="PO-77881")
    shipment = ship(order, merchandiser, tracking_number="SF99887766")
    done = after_sales_order(merchandiser, customer=nordic)
    case = case_open(
        order_id=done.pk,
        actor=merchandiser,
        data=CaseInput(case_type="complaint", channel="email", subject="Zipper broken", description="Ten pieces"),
    )
    theirs = in_production_order(other_merchandiser, customer_po="PO-55555")
    return {"order": fresh(order), "shipment": shipment, "case": case, "done": done, "theirs": fresh(theirs)}


def test_an_order_is_found_by_number_po_customer_name_and_style(merchandiser, world, nordic):
    order = world["order"]
    style = order.lines.first().product.style_no

    for text in (order.number, "PO-77881", "Nordic Outdoor", "北欧户外", style):
        results = search_everything(user=merchandiser, text=text)
        assert order.display_number in _hits(results, "orders"), text
    assert _urls(search_everything(user=merchandiser, text="PO-77881"), "orders") == [
        reverse("orders:detail", args=[order.pk])
    ]


def test_prefixes_find_numbers_pos_and_styles(merchandiser, world):
    order = world["order"]
    style = order.lines.first().product.style_no

    assert order.display_number in _hits(search_everything(user=merchandiser, text=order.number[:-2]), "orders")
    assert order.display_number in _hits(search_everything(user=merchandiser, text="po-778"), "orders")
    assert style in _hits(search_everything(user=merchandiser, text=style[:-1]), "products")


def test_customers_styles_cases_and_shipments_are_found_each_in_its_group(merchandiser, world, nordic):
    case, shipment = world["case"], world["shipment"]
    product = ProductFactory(style_no="JK-2026-01", name_en="Down jacket", name_zh="羽绒服")

    results = search_everything(user=merchandiser, text="nordic")
    assert _hits(results, "customers") == ["Nordic Outdoor Gear"]
    assert _urls(results, "customers") == [reverse("orders:customer_edit", args=[nordic.pk])]
    assert _hits(search_everything(user=merchandiser, text="down jack"), "products") == ["JK-2026-01"]
    assert _urls(search_everything(user=merchandiser, text="JK-2026"), "products") == [
        reverse("orders:product_edit", args=[product.pk])
    ]
    assert _hits(search_everything(user=merchandiser, text=case.reference), "cases") == [str(case)]
    assert _hits(search_everything(user=merchandiser, text="zipper"), "cases") == [str(case)]
    assert _urls(search_everything(user=merchandiser, text=case.reference.lower()), "cases") == [
        reverse("aftersales:case_detail", args=[case.pk])
    ]
    assert _hits(search_everything(user=merchandiser, text=shipment.reference), "shipments") == [shipment.reference]
    found = search_everything(user=merchandiser, text="SF998877")
    assert _hits(found, "shipments") == [shipment.reference]
    assert _urls(found, "shipments") == [f"{reverse('orders:detail', args=[shipment.order_id])}?tab=shipments"]


def test_a_typo_in_a_customer_name_still_finds_it_and_its_orders(merchandiser, world):
    if not is_postgres():
        if IN_CI:
            pytest.fail("typo tolerance is PostgreSQL's (pg_trgm): CI runs this on PostgreSQL")
        pytest.skip("typo tolerance needs PostgreSQL's pg_trgm; SQLite matches prefixes and substrings only")
    results = search_everything(user=merchandiser, text="Nordik Outdor")

    assert _hits(results, "customers") == ["Nordic Outdoor Gear"]
    assert world["order"].display_number in _hits(results, "orders")


def test_no_one_finds_what_they_may_not_see(merchandiser, other_merchandiser, supervisor, hr_user, world):
    order, theirs = world["order"], world["theirs"]

    # Team B's merchandiser: not team A's order, shipment or case, whichever number is typed.
    for text in (order.number, "PO-77881", "Nordic", world["shipment"].reference, world["case"].reference):
        results = search_everything(user=other_merchandiser, text=text)
        assert not (_hits(results, "orders") + _hits(results, "shipments") + _hits(results, "cases")), text
    # ...and team A's merchandiser not team B's.
    assert _hits(search_everything(user=merchandiser, text="PO-55555"), "orders") == []
    assert theirs.display_number in _hits(search_everything(user=other_merchandiser, text="PO-55555"), "orders")
    # Team A's supervisor sees their team's order, not team B's.
    assert order.display_number in _hits(search_everything(user=supervisor, text="PO-77881"), "orders")
    assert _hits(search_everything(user=supervisor, text="PO-55555"), "orders") == []
    # HR reads every order, but not the product master; customers link to their orders, not the edit form.
    results = search_everything(user=hr_user, text="Nordic")
    assert order.display_number in _hits(results, "orders")
    assert _urls(results, "customers")[0].startswith(reverse("orders:list") + "?customer=")
    style = order.lines.first().product.style_no
    assert _hits(search_everything(user=hr_user, text=style), "products") == []
    # ...though the style, a key here, still finds the order HR may read.
    assert order.display_number in _hits(search_everything(user=hr_user, text=style), "orders")


def test_someone_without_a_staff_role_finds_nothing_and_may_not_open_search(client, world):
    nobody = User.objects.create_user(username="buyer", password="x-Passw0rd-long")  # noqa: S106
    assert search_everything(user=nobody, text="Nordic").groups == []

    client.force_login(nobody)
    assert client.get(reverse("search:page"), {"q": "Nordic"}).status_code == 403
    assert client.get(reverse("search:suggest"), {"q": "Nordic"}).status_code == 403


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("", "Type an order number"),
        ("    ", "Type an order number"),
        ("\x00\x00", "Type an order number"),
        ("a", "at least two characters"),
        ("x" * (MAX_LENGTH + 1), "too long to search"),
        ("SO-\x00%_'\"<script>", "Nothing found"),
    ],
)
def test_bad_input_gets_a_clear_empty_answer(client, merchandiser, q, says):
    client.force_login(merchandiser)

    page = client.get(reverse("search:page"), {"q": q})
    assert page.status_code == 200
    assert says in page.content.decode()
    assert "<script>" not in page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert client.get(reverse("search:suggest"), {"q": q}).status_code == 200


def test_the_page_and_the_dropdown_show_the_groups(client, merchandiser, world):
    client.force_login(merchandiser)

    page = client.get(reverse("search:page"), {"q": "Nordic"}).content.decode()
    dropdown = client.get(reverse("search:suggest"), {"q": "Nordic"}, headers={"HX-Request": "true"}).content.decode()
    for html in (page, dropdown):
        assert "Orders" in html and "Customers" in html
        assert reverse("orders:detail", args=[world["order"].pk]) in html
    assert "<html" not in dropdown
    assert 'name="q"' in page and 'value="Nordic"' in page  # the top bar's box keeps the query


def test_many_orders_of_one_customer_show_five_and_a_link_to_the_list(client, merchandiser, nordic):
    for _ in range(7):
        make_order(merchandiser=merchandiser, customer=nordic)
    results = search_everything(user=merchandiser, text="Nordic")

    orders = next(group for group in results.groups if group.key == "orders")
    assert len(orders.hits) == 5 and orders.more
    assert orders.more_url == reverse("orders:list") + "?q=Nordic"


def test_every_staff_page_has_the_search_box(client, merchandiser):
    client.force_login(merchandiser)

    html = client.get(reverse("orders:list")).content.decode()
    assert 'role="search"' in html and 'aria-keyshortcuts="/"' in html
    assert reverse("search:suggest") in html


def test_an_orders_number_finds_its_cases_and_shipments(merchandiser, world):
    done, order = world["done"], world["order"]

    assert _hits(search_everything(user=merchandiser, text=done.number), "cases") == [str(world["case"])]
    assert _hits(search_everything(user=merchandiser, text=order.number), "shipments") == [world["shipment"].reference]


@pytest.mark.parametrize("text", ["Nordic Outdoor", "Nordik", "PO-77881", "AS-1"])
def test_each_keystroke_asks_a_few_small_queries(django_assert_max_num_queries, merchandiser, world, text):
    # Each group is a few queries on one index each (customers and styles found, and checked, in one query
    # each for their groups and for the orders they name); a budget, so that a new OR across tables shows.
    search_everything(user=merchandiser, text="warm")  # the viewer's roles, once per request
    with django_assert_max_num_queries(9):
        search_everything(user=merchandiser, text=text)


def test_a_typo_stands_for_the_closest_names_not_for_every_alike_one(merchandiser):
    if not is_postgres():
        if IN_CI:
            pytest.fail("typo tolerance is PostgreSQL's (pg_trgm): CI runs this on PostgreSQL")
        pytest.skip("typo tolerance needs PostgreSQL's pg_trgm")
    for n in range(10, 20):
        CustomerFactory(code=f"BC{n}", name_en=f"Bench customer 000{n}", merchandiser=merchandiser)

    results = search_everything(user=merchandiser, text="Bench custmer 00012")

    customers = _hits(results, "customers")
    assert customers[0] == "Bench customer 00012"  # the most alike first, not the first by code
    assert len(customers) <= 5


def test_a_name_found_as_typed_is_not_diluted_by_names_merely_like_it(merchandiser):
    for n in range(340, 350):
        ProductFactory(style_no=f"BS-00{n}", name_en=f"Tee {n}")

    assert _hits(search_everything(user=merchandiser, text="BS-00346"), "products") == ["BS-00346"]


def test_a_two_character_chinese_word_finds_cases_by_their_subject(merchandiser):
    done = after_sales_order(merchandiser)
    case = case_open(
        order_id=done.pk,
        actor=merchandiser,
        data=CaseInput(case_type="complaint", channel="email", subject="色差 / Shade variation", description="两批"),
    )

    assert _hits(search_everything(user=merchandiser, text="色差"), "cases") == [str(case)]


def test_the_customers_a_person_serves_come_first_and_find_their_orders(merchandiser, other_merchandiser):
    # Sixty customers named alike, more than a name stands for: the one this merchandiser serves sorts last
    # by code, yet its orders are found, since their own customers are looked at first.
    for n in range(1, 61):
        CustomerFactory(code=f"AC{n:02d}", name_en=f"Acme {n:02d}", merchandiser=other_merchandiser)
    mine = CustomerFactory(code="AC99", name_en="Acme 99", merchandiser=merchandiser)
    order = make_order(merchandiser=merchandiser, customer=mine)

    results = search_everything(user=merchandiser, text="Acme")

    assert _hits(results, "customers")[0] == "Acme 99"
    assert _hits(results, "orders") == [order.display_number]

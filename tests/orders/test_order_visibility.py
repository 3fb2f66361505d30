"""orders.selectors.order_visibility: the rule of orders_visible_to, written as a join condition for rows
that belong to an order (cases, shipments) and for customers through their account owner. It must read the
same rows as orders_visible_to for every role, or a search would show what its user cannot open."""

import pytest

from accounts.models import User
from logistics.models import Shipment
from logistics.selectors import shipments_visible_to
from orders.models import Customer, Order
from orders.selectors import order_visibility, orders_visible_to

from ..logistics.helpers import shipped_order


@pytest.fixture
def people(merchandiser, other_merchandiser, supervisor, qa_user, hr_user, management_user):
    nobody = User.objects.create_user(username="no.role", password="x")  # signed in, no role
    return [merchandiser, other_merchandiser, supervisor, qa_user, hr_user, management_user, nobody]


@pytest.fixture
def two_teams_shipped(merchandiser, other_merchandiser):
    ours, _ = shipped_order(merchandiser)
    theirs, _ = shipped_order(other_merchandiser)
    return ours, theirs


def test_orders_read_through_it_are_the_orders_each_person_may_see(people, two_teams_shipped):
    for person in people:
        assert set(Order.objects.filter(order_visibility(person))) == set(orders_visible_to(person)), person


def test_shipments_are_those_of_the_orders_each_person_may_see(people, two_teams_shipped):
    for person in people:
        expected = set(Shipment.objects.filter(order__in=orders_visible_to(person)))
        assert set(shipments_visible_to(person)) == expected, person
    ours, theirs = two_teams_shipped
    merchandiser = people[0]
    assert {s.order_id for s in shipments_visible_to(merchandiser)} == {ours.pk}


def test_a_supervisors_team_is_asked_of_the_users_table_not_listed_from_the_orders(supervisor):
    sql = str(Shipment.objects.filter(order_visibility(supervisor, via="order")).query).upper()

    assert 'INNER JOIN "ORDERS_ORDER"' in sql
    assert 'FROM "ACCOUNTS_USER"' in sql.split("IN (SELECT", 1)[1]
    assert 'FROM "ORDERS_ORDER"' not in sql.split("IN (SELECT", 1)[1]


def test_customers_read_through_it_are_those_whose_owner_the_person_sees(people, two_teams_shipped):
    merchandiser, other, supervisor = people[0], people[1], people[2]
    ours, theirs = two_teams_shipped
    Customer.objects.filter(pk=ours.customer_id).update(merchandiser=merchandiser)
    Customer.objects.filter(pk=theirs.customer_id).update(merchandiser=other)

    assert set(Customer.objects.filter(order_visibility(merchandiser))) == {ours.customer}
    assert set(Customer.objects.filter(order_visibility(supervisor))) == {ours.customer}
    assert not Customer.objects.filter(order_visibility(people[-1])).exists()
    assert order_visibility(people[3]) == order_visibility(people[5])  # QA and management: no condition

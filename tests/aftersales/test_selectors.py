"""aftersales/selectors.py: who sees which case, and how the database is asked."""

from aftersales.models import Case
from aftersales.selectors import cases_visible_to
from aftersales.services import CaseInput, case_open

from ..logistics.helpers import after_sales_order


def _case(merchandiser) -> Case:
    order = after_sales_order(merchandiser)
    data = CaseInput(case_type="complaint", channel="email", subject="Late", description="Two weeks late")
    return case_open(order_id=order.pk, actor=merchandiser, data=data)


def test_cases_of_visible_orders_and_owned_cases_only(merchandiser, other_merchandiser, supervisor, qa_user):
    mine, theirs = _case(merchandiser), _case(other_merchandiser)
    handed_to_me = _case(other_merchandiser)
    Case.objects.filter(pk=handed_to_me.pk).update(owner=merchandiser)

    assert set(cases_visible_to(merchandiser)) == {mine, handed_to_me}
    assert set(cases_visible_to(other_merchandiser)) == {theirs, handed_to_me}
    assert mine in set(cases_visible_to(supervisor)) and theirs not in set(cases_visible_to(supervisor))
    assert set(cases_visible_to(qa_user)) == {mine, theirs, handed_to_me}


def test_each_case_probes_its_own_order_rather_than_listing_every_visible_order(db, supervisor):
    # `order__in=<visible orders>` or an EXISTS over them, OR'd with the owner, made PostgreSQL hash every
    # order the person may see (a supervisor's dashboard, a search of cases' subjects). Joined, each case
    # looks up its own order by key; the only subquery is the supervisor's team, on the users table.
    sql = str(cases_visible_to(supervisor).query).upper()

    assert 'INNER JOIN "ORDERS_ORDER"' in sql
    assert "EXISTS" not in sql
    assert sql.count("SELECT") == 2 and 'FROM "ACCOUNTS_USER"' in sql.split("IN (SELECT", 1)[1]


def test_a_reader_of_every_order_reads_every_case_without_a_join(db, qa_user):
    assert "JOIN" not in str(cases_visible_to(qa_user).query).upper()

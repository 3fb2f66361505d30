"""{{ orders|order_summary_rows }}: the dashboards' short order tables, written in Python (see
orders/views/order_rows.py): the template engine's per-row work was most of a dashboard's rendering."""

from django import template

from ..views.order_rows import order_summary_rows_html

register = template.Library()


@register.filter
def order_summary_rows(orders):
    return order_summary_rows_html(orders)

"""Thin, idempotent jobs: each calls one service; running twice changes nothing the second time."""

from celery import shared_task

from .services import cases_check_sla, cases_follow_calendar, orders_close_finished


@shared_task(name="aftersales.check_sla", ignore_result=True)
def check_sla():
    """Every minute: follow a change of the company calendar, then warn owners before an SLA target is
    missed and escalate to the supervisor once it is."""
    cases_follow_calendar()
    cases_check_sla()


@shared_task(name="aftersales.close_finished_orders", ignore_result=True)
def close_finished_orders():
    """Nightly: close after-sales orders whose service period has ended and whose cases are all closed."""
    orders_close_finished()

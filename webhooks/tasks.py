from celery import shared_task

from .services import deliveries_send_due, delivery_send


@shared_task(name="webhooks.send", ignore_result=True, acks_late=True)
def send_delivery(delivery_id: int):
    delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.send_due", ignore_result=True)
def send_due_deliveries():
    """Every minute: the retries whose time has come, and what the broker could not take earlier."""
    deliveries_send_due()

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="accounts.tasks.heartbeat", ignore_result=True)
def heartbeat():
    """Beat sends this every minute; the health page shows when a worker last ran it."""
    heartbeat_record(name="beat")

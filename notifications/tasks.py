from celery import shared_task

from .services import notification_send, notifications_send_due


@shared_task(name="notifications.send", ignore_result=True, acks_late=True)
def send_notification(notification_id: int):
    notification_send(notification_id=notification_id)


@shared_task(name="notifications.send_due", ignore_result=True)
def send_due_notifications():
    """Every minute: retry what the broker or the mail server could not deliver earlier."""
    notifications_send_due()

from django.core.management.base import BaseCommand

from notifications.services import robots_rotate_key


class Command(BaseCommand):
    help = "Encrypt every team's chat robot anew under the first key of NOTIFICATIONS_ROBOT_KEYS."

    def handle(self, *args, **options):
        count = robots_rotate_key()
        self.stdout.write(f"{count} robot(s) encrypted under the first key.")

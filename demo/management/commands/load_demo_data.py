from django.core.management.base import BaseCommand

from demo import portal_demo
from demo.loader import DEMO_PASSWORD, LOGINS, demo_load


class Command(BaseCommand):
    help = "Load bilingual demo data and one login per role. Safe to run again: it changes nothing."

    def handle(self, *args, **options):
        result = demo_load()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {result}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in LOGINS:
            self.stdout.write(f"  {login.role:<13} {login.username}")
        self.stdout.write(f"  {'Superuser':<13} admin")
        self.stdout.write(f"  {'Customer':<13} {portal_demo.LOGIN} (the customer portal)")

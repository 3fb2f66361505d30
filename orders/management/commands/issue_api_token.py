"""Issue a bearer token for a customer's system. The raw token is printed once; only its hash is kept."""

from django.core.management.base import BaseCommand, CommandError

from orders.models import Customer, CustomerApiToken


class Command(BaseCommand):
    help = "Issue an API token for a customer's system (POST /api/v1/orders). Prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("customer_code", help="Customer code, e.g. NORD")
        parser.add_argument("--label", default="", help="What the token is for, e.g. 'ERP production'")

    def handle(self, *args, customer_code, label, **options):
        try:
            customer = Customer.objects.select_related("merchandiser").get(code=customer_code)
        except Customer.DoesNotExist as exc:
            raise CommandError(f"No customer with code {customer_code!r}.") from exc
        if len(label) > 100:
            raise CommandError("The label is limited to 100 characters.")
        token, raw = CustomerApiToken.issue(customer=customer, label=label)
        if customer.merchandiser is None:
            self.stderr.write(
                self.style.WARNING(
                    f"Customer {customer.code} has no usual merchandiser: the API will refuse its orders "
                    "(422) until one is assigned."
                )
            )
        self.stderr.write(
            f"Token {token.prefix}… (id {token.pk}) issued for {customer.code} {customer.name_en}. "
            "Copy it now: it is not stored and cannot be shown again. Revoke it in the admin (API tokens)."
        )
        # The raw token alone on stdout, so `manage.py issue_api_token NORD > token.txt` captures just it.
        self.stdout.write(raw)

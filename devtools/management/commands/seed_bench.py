from django.core.management.base import BaseCommand, CommandError

from devtools.seeding import BENCH_PASSWORD, SeedConfig, SeedError, database_is_bench, seed_bench


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL bench database with realistic orders, lines, checklist ticks, confirmations and "
        "events (and stage data where a stage app registers a seeder). Writes rows directly, bypassing the "
        "services; refuses unless the database name contains 'bench' (or --force)."
    )

    def add_arguments(self, parser):
        defaults = SeedConfig()
        parser.add_argument("--orders", type=int, default=defaults.orders)
        parser.add_argument("--teams", type=int, default=defaults.teams)
        parser.add_argument("--merchandisers", type=int, default=defaults.merchandisers)
        parser.add_argument("--customers", type=int, default=defaults.customers)
        parser.add_argument("--products", type=int, default=defaults.products)
        parser.add_argument("--years", type=float, default=defaults.years, help="span of receipt dates")
        parser.add_argument("--heavy-every", type=int, default=defaults.heavy_every)
        parser.add_argument("--seed", type=float, default=defaults.seed, help="PostgreSQL setseed(), -1..1")
        parser.add_argument("--reset", action="store_true", help="empty the order and master-data tables first")
        parser.add_argument("--force", action="store_true", help="allow a database whose name lacks 'bench'")

    def handle(self, *args, **options):
        if not database_is_bench() and not options["force"]:
            raise CommandError("Refusing: the database name does not contain 'bench'. Use --force if you mean it.")
        if options["orders"] < 1:
            raise CommandError("--orders must be at least 1.")
        config = SeedConfig(
            orders=options["orders"],
            teams=options["teams"],
            merchandisers=options["merchandisers"],
            customers=options["customers"],
            products=options["products"],
            years=options["years"],
            heavy_every=options["heavy_every"],
            seed=options["seed"],
        )
        self.stdout.write(f"Seeding {config.orders:,} orders...")
        try:
            summary = seed_bench(config=config, reset=options["reset"], log=self.stdout.write)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        for table, count in summary.counts.items():
            self.stdout.write(f"  {table}: {count:,}" if isinstance(count, int) else f"  {table}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.orders:,} orders in {summary.seconds:.0f}s. "
                f"Staff log in as {', '.join(summary.users.values())} with password {BENCH_PASSWORD}."
            )
        )

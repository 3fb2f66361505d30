"""Time the order page, the check-in page and the order list under random traffic, in this process.

Each request signs in as one of many people at random and asks for a random order that person may see
(the order page), for a random merchandiser's check-in page, or for the order list's first page as a
random person (`--pages` picks some). Meant for a seeded PostgreSQL database
(`manage.py seed_bench --orders 5000`) with the same cache as production (REDIS_URL), for example:

    DJANGO_SETTINGS_MODULE=config.settings.local DJANGO_DEBUG=False OTP_ENFORCE=False \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gendan_bench REDIS_URL=redis://127.0.0.1:6379/4 \
    .venv/bin/python scripts/measure_pages.py --requests 400

Prints the median and 95th percentile of wall-clock and CPU time per request. The test client's own work
is included, the same for every page, so compare runs of this script with each other, not with wrk.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests per page")
    parser.add_argument("--people", type=int, default=40, help="merchandisers signed in (plus supervisors)")
    parser.add_argument("--checkin-people", type=int, default=200, help="merchandisers asking for the check-in page")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--pages",
        default="order,checkin,list",
        help="which pages, comma-separated: order, order-production (orders in production only), checkin, list",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from accounts.roles import Role
    from orders.selectors import orders_visible_to

    rng = random.Random(args.seed)
    cache.clear()  # start cold: nothing kept from an earlier run
    users = get_user_model().objects.filter(is_active=True)
    merchandisers = list(users.filter(groups__name=Role.MERCHANDISER).order_by("pk")[: args.people])
    supervisors = list(users.filter(groups__name=Role.SUPERVISOR).order_by("pk")[: max(1, args.people // 8)])
    people, producing = [], []
    for user in [*merchandisers, *supervisors]:
        visible = orders_visible_to(user)
        ids = list(visible.values_list("pk", flat=True))
        if ids:
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            people.append((client, ids))
            in_production = list(visible.filter(status="in_production").values_list("pk", flat=True))
            if in_production:
                producing.append((client, in_production))
    checkin_clients = []
    for user in users.filter(groups__name=Role.MERCHANDISER).order_by("pk")[: args.checkin_people]:
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        checkin_clients.append(client)

    def order_page() -> tuple:
        client, ids = rng.choice(people)
        return client, reverse("orders:detail", args=[rng.choice(ids)])

    def order_page_in_production() -> tuple:
        client, ids = rng.choice(producing)
        return client, reverse("orders:detail", args=[rng.choice(ids)])

    def checkin_page() -> tuple:
        return rng.choice(checkin_clients), reverse("production:my_checkins")

    def order_list() -> tuple:
        client, _ids = rng.choice(people)
        return client, reverse("orders:list")

    pages = {
        "order": ("order page, random order", order_page),
        "order-production": ("order page, random order in production", order_page_in_production),
        "checkin": ("check-in page, random merchandiser", checkin_page),
        "list": ("order list, random person", order_list),
    }
    print(f"{len(people)} people, {sum(len(ids) for _, ids in people)} visible (person, order) pairs")
    for title, pick in (pages[name.strip()] for name in args.pages.split(",")):
        for _ in range(20):  # warm up the process: templates, translations, connections
            client, url = pick()
            client.get(url)
        walls, cpus = [], []
        for _ in range(args.requests):
            client, url = pick()
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        print(
            f"{title}: {args.requests} requests, wall median {statistics.median(walls):.1f} ms, "
            f"p95 {percentile(walls, 0.95):.1f} ms; CPU median {statistics.median(cpus):.1f} ms, "
            f"p95 {percentile(cpus, 0.95):.1f} ms"
        )


if __name__ == "__main__":
    main()

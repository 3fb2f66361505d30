"""Count the instructions of a page's requests with callgrind, for comparing two commits on a busy machine.

Asks, in this process through the test client, for the check-in page (`?show=all`) or the order list's
first page, as the merchandiser with the most orders in production, after ten warm-up requests. Under
callgrind with instrumentation off at start, it switches counting on for the timed requests only, so
start-up and warm-up are not counted (and PostgreSQL, another process, is not either):

    DJANGO_SETTINGS_MODULE=config.settings.local DJANGO_DEBUG=False OTP_ENFORCE=False \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gendan_bench REDIS_URL=redis://127.0.0.1:6379/4 \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \
    .venv/bin/python scripts/count_instructions.py checkin 10

then divide the `totals:` line of /tmp/cg.out by the number of requests. Without valgrind
it prints the requests' CPU time instead (minimum and median).
"""

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def _count(control: str, switch: str) -> None:
    subprocess.run([control, "-i", switch, str(os.getpid())], check=True, capture_output=True)  # noqa: S603 - a fixed tool, this process


def main() -> None:
    page, requests = sys.argv[1], int(sys.argv[2])
    if page not in ("checkin", "list"):
        raise SystemExit("usage: count_instructions.py checkin|list REQUESTS")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from orders.models import Order, OrderState

    busiest = (
        Order.objects.filter(status=OrderState.IN_PRODUCTION)
        .values("merchandiser")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(pk=busiest["merchandiser"]))
    url = reverse("production:my_checkins") + "?show=all" if page == "checkin" else reverse("orders:list")
    for _ in range(10):
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
    # Under valgrind, callgrind_control switches counting on for this process (a no-op otherwise).
    control = shutil.which("callgrind_control") if "valgrind" in os.environ.get("LD_PRELOAD", "") else None
    if control:
        _count(control, "on")
    times = []
    for _ in range(requests):
        started = time.process_time()
        client.get(url)
        times.append((time.process_time() - started) * 1000)
    if control:
        _count(control, "off")
    print(f"{page}: {requests} requests, CPU min {min(times):.2f} ms, median {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()

"""The mixed workload: each demo merchandiser takes orders in through the API and walks them through the
workflow on the web pages (checklist, confirmation, transitions, production start, daily check-ins,
shipments that email the customer, after-sales cases and their updates), while HR scores the quarter and a
supervisor reads the boards. Every request alternates between the two web servers."""

import json
import random
import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .browser import Browser, Stats, forms_of

PASSWORD = "Gendan-demo-2026"  # noqa: S105 - the demo data's published password
# Each merchandiser submits orders for a customer of theirs through the API (demo/loader.py CUSTOMERS).
MERCHANDISERS = {"merch.li": "NORD", "merch.wang": "PACI", "merch.zhang": "HANS", "merch.chen": "SHGM"}
API_CUSTOMERS = sorted(set(MERCHANDISERS.values()))
STYLES = ["TS-1001", "PL-2040", "JK-3300", "BG-0907"]


def healthz(port: int) -> bool:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
        return response.status == 200


SITE_ZONE = ZoneInfo("Asia/Shanghai")  # TIME_ZONE: the dates and times the forms take are the site's


def _local_now() -> datetime:
    return datetime.now(SITE_ZONE).replace(tzinfo=None) - timedelta(minutes=5)


def _today():
    return datetime.now(SITE_ZONE).date()


class Figures:
    def __init__(self):
        self.stats = Stats()
        self.lock = threading.Lock()
        self.actions: dict[str, int] = {}
        self.api_orders: list[int] = []
        self.replays = 0
        self.events: list[str] = []
        self.failures: list[str] = []
        self.refusals: dict[str, int] = {}

    def count(self, action: str, n: int = 1) -> None:
        with self.lock:
            self.actions[action] = self.actions.get(action, 0) + n

    def refuse(self, text: str) -> None:
        with self.lock:
            self.refusals[text] = self.refusals.get(text, 0) + 1

    def fail(self, text: str) -> None:
        with self.lock:
            self.failures.append(text)


class Merchandiser:
    def __init__(self, username: str, customer: str, token: str, ports, figures: Figures, rng: random.Random):
        self.username, self.customer, self.token = username, customer, token
        self.browser = Browser(ports, figures.stats)
        self.figures, self.rng = figures, rng
        self.orders: list[int] = []

    # --- API intake --------------------------------------------------------------------------------
    def intake(self) -> None:
        body = {
            "customer_po": f"SC-{uuid.uuid4().hex[:10]}",
            "delivery_date": (_today() + timedelta(days=90)).isoformat(),
            "currency": "USD",
            "trade_terms": "FOB Ningbo",
            "lines": [
                {
                    "style_no": self.rng.choice(STYLES),
                    "colour": "navy",
                    "size": "M",
                    "quantity": str(self.rng.randint(1, 20) * 100),
                    "unit": "PCS",
                    "unit_price": "3.25",
                }
            ],
        }
        key = str(uuid.uuid4())
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        }
        raw = json.dumps(body).encode()
        answer = self.browser.request("POST", "/api/v1/orders", route="api intake", headers=headers, body=raw)
        if answer.status != 201:
            self.figures.fail(f"API intake answered {answer.status}: {answer.text[:200]}")
            return
        order_id = answer.json()["id"]
        self.orders.append(order_id)
        with self.figures.lock:
            self.figures.api_orders.append(order_id)
        self.figures.count("API intake")
        # A customer system retrying the same request gets the same order, not a second one.
        if self.rng.random() < 0.3:
            again = self.browser.request("POST", "/api/v1/orders", route="api replay", headers=headers, body=raw)
            if again.status != 200 or again.json()["id"] != order_id:
                self.figures.fail(f"API replay answered {again.status} {again.text[:200]}")
            self.figures.replays += 1

    # --- the web pages -----------------------------------------------------------------------------
    def post_form(self, form, values: dict, route: str):
        data = {**form.fields, **values}
        answer = self.browser.post(form.action, data, route=route)
        if answer.status in (200, 302):
            self.figures.count(route)
        elif 400 <= answer.status < 500:
            # Refused with a message (a stale page, a closed check-in): fine, but counted and shown.
            found = re.search(r'class="msg msg-error">([^<]+)', answer.text)
            self.figures.refuse(f"{route} {answer.status}: {found.group(1).strip() if found else '?'}")
        return answer

    def advance(self, pk: int) -> None:
        """One step forward for the order, read from the forms its page offers."""
        page = self.browser.get(f"/orders/{pk}/", route="order page")
        if page.status != 200:
            return
        forms = [f for f in forms_of(page.text) if f.method == "post"]
        by_action = {f.action: f for f in forms}
        transitions = {m.group(1): f for f in forms if (m := re.search(r"/transition/(\w+)/$", f.action))}
        checks = [f for f in forms if "/check/" in f.action and f.fields.get("checked") == "1"]
        if "confirm" in transitions:
            for form in checks:
                self.post_form(form, {}, "checklist tick")
            confirmation = by_action.get(f"/orders/{pk}/confirmation/")
            if confirmation is not None:
                self.post_form(
                    confirmation,
                    {
                        "method": "phone",
                        "contact": "Buyer",
                        "confirmed_at": _local_now().strftime("%Y-%m-%d %H:%M"),
                    },
                    "confirmation",
                )
                page = self.browser.get(f"/orders/{pk}/", route="order page")
                transitions = {
                    m.group(1): f for f in forms_of(page.text) if (m := re.search(r"/transition/(\w+)/$", f.action))
                }
            if "confirm" in transitions:
                self.post_form(transitions["confirm"], {"note": "scale-out"}, "transition")
            return
        if "enter" in transitions:
            self._checklist_section(pk)
            self.post_form(transitions["enter"], {}, "transition")
            return
        start = by_action.get(f"/production/orders/{pk}/start/")
        if start is not None:
            self.post_form(
                start,
                {"start-factory": "Ningbo No.1", "start-line": "L3", "start-work_order_ref": f"WO-{pk}"},
                "production start",
            )
            return
        if "ship" in transitions:
            self.shipment(pk)
            self.post_form(transitions["ship"], {}, "transition")
            return
        deliveries = sorted(set(re.findall(r'href="(/logistics/shipments/\d+/delivery/)"', page.text)))
        if deliveries:
            for path in deliveries:
                self.deliver(path)
            return
        if "begin_after_sales" in transitions:
            self.post_form(transitions["begin_after_sales"], {}, "transition")
            return
        cases = sorted(set(re.findall(r'href="(/aftersales/cases/\d+/)"', page.text)))
        if cases:
            self.case_update(cases[-1])
        elif f"/aftersales/orders/{pk}/cases/new/" in page.text:
            self.open_case(pk)

    def _checklist_section(self, pk: int) -> None:
        section = self.browser.get(f"/orders/{pk}/sections/checklist/", route="order section")
        for form in forms_of(section.text):
            if "/check/" in form.action and form.fields.get("checked") == "1":
                self.post_form(form, {}, "checklist tick")

    def checkins(self) -> None:
        """The day's check-ins page: record the first few still open."""
        page = self.browser.get("/production/checkins/", route="check-ins page")
        open_forms = [
            f for f in forms_of(page.text) if re.search(r"/production/checkins/\d+/$", f.action) and not _filled(f)
        ]
        for form in open_forms[:3]:
            prefix = next(k.split("-")[0] for k in form.fields if k.endswith("-contact_name"))
            self.post_form(
                form,
                {
                    f"{prefix}-contact_name": "Line leader",
                    f"{prefix}-contact_method": "phone",
                    f"{prefix}-quantity_done": str(self.rng.randint(10, 500)),
                    f"{prefix}-problems": "",
                    f"{prefix}-next_steps": "Call again tomorrow",
                },
                "check-in",
            )

    def shipment(self, pk: int) -> None:
        path = f"/logistics/orders/{pk}/shipments/new/"
        page = self.browser.get(path, route="shipment page")
        form = next((f for f in forms_of(page.text) if "carrier" in f.fields), None)
        if form is None:
            return
        carriers = [c for c in form.options.get("carrier", []) if c]
        form.action = form.action or path
        self.post_form(
            form,
            {
                "carrier": carriers[0] if carriers else "",
                "mode": "sea",
                "tracking_number": f"TRK{uuid.uuid4().hex[:8].upper()}",
                "eta": (_today() + timedelta(days=30)).isoformat(),
            },
            "shipment",
        )

    def deliver(self, path: str) -> None:
        """The customer confirmed receipt: the last delivery starts after-sales."""
        page = self.browser.get(path, route="delivery page")
        form = next((f for f in forms_of(page.text) if "received_by" in f.fields), None)
        if form is None:
            return
        form.action = form.action or path
        self.post_form(
            form,
            {"delivered_on": _today().isoformat(), "received_by": "Warehouse"},
            "delivery",
        )

    def open_case(self, pk: int) -> None:
        path = f"/aftersales/orders/{pk}/cases/new/"
        page = self.browser.get(path, route="case page")
        form = next((f for f in forms_of(page.text) if "subject" in f.fields), None)
        if form is None:
            return
        form.action = form.action or path
        answer = self.post_form(
            form,
            {
                "channel": "email",
                "case_type": "quality",
                "severity": "high",
                "subject": "Stitching loose on some pieces",
                "description": "Reported by the buyer's QC.",
                "contact_name": "Buyer",
                "contact_email": "buyer@customer.example",
                # To the second: an order received this minute must not be opened before it was received.
                "opened_at": (_local_now() + timedelta(minutes=5) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"),
            },
            "case opened",
        )
        location = answer.headers.get("Location", "") if answer.status == 302 else ""
        if re.search(r"/aftersales/cases/\d+/$", location):
            self.case_update(urlsplit(location).path)

    def case_update(self, path: str) -> None:
        page = self.browser.get(path, route="case page")
        steps = [f for f in forms_of(page.text) if "/step/" in f.action]
        if steps:
            self.post_form(steps[0], {"note": "Working on it", "resolution": "Replacement shipped"}, "case update")

    def reads(self) -> None:
        self.browser.get("/", route="home")
        self.browser.get("/orders/?page=1", route="order list")

    def run(self, deadline: float) -> None:
        if not self.browser.sign_in(self.username, PASSWORD):
            self.figures.fail(f"{self.username} could not sign in")
            return
        self.figures.count("sign-in")
        # The demo's own open orders too, so shipped and after-sales ones move on early in the run.
        listing = self.browser.get("/orders/?page=1", route="order list")
        backlog = sorted({int(pk) for pk in re.findall(r'href="/orders/(\d+)/"', listing.text)})
        step = 0
        while time.monotonic() < deadline:
            step += 1
            if step % 2 == 1:
                self.intake()
            picked = [backlog[step % len(backlog)]] if backlog else []
            for pk in [*picked, *list(self.orders)[-6:]]:
                if time.monotonic() >= deadline:
                    break
                self.advance(pk)
            self.checkins()
            if step % 3 == 0:
                self.reads()


def _filled(form) -> bool:
    return any(k.endswith("-contact_name") and v.strip() for k, v in form.fields.items())


class Reader:
    """A supervisor and HR: the boards, and HR starts the quarter's scoring now and then."""

    def __init__(self, username: str, ports, figures: Figures, score: bool):
        self.username, self.figures, self.score = username, figures, score
        self.browser = Browser(ports, figures.stats)

    def run(self, deadline: float) -> None:
        if not self.browser.sign_in(self.username, PASSWORD):
            self.figures.fail(f"{self.username} could not sign in")
            return
        self.figures.count("sign-in")
        last_score = 0.0
        while time.monotonic() < deadline:
            self.browser.get("/", route="home")
            if self.score:
                page = self.browser.get("/evaluation/", route="quarter list")
                form = next((f for f in forms_of(page.text) if f.action.endswith("/evaluation/run/")), None)
                if form is not None and time.monotonic() - last_score > 30:
                    answer = self.browser.post(form.action, form.fields, route="scoring started")
                    if answer.status in (200, 302):
                        self.figures.count("scoring started")
                    last_score = time.monotonic()
            else:
                self.browser.get("/production/board/", route="production board")
                self.browser.get("/orders/?page=1", route="order list")
            time.sleep(1)


def drive(*, web_ports, tokens: dict, seconds: float, halfway, folder: Path) -> Figures:
    figures = Figures()
    started = time.monotonic()
    deadline = started + seconds
    actors = [
        Merchandiser(user, customer, tokens[customer], web_ports, figures, random.Random(i))  # noqa: S311
        for i, (user, customer) in enumerate(MERCHANDISERS.items())
    ]
    readers = [Reader("hr.wu", web_ports, figures, score=True), Reader("sup.zhao", web_ports, figures, score=False)]
    threads = [threading.Thread(target=a.run, args=(deadline,), name=a.username) for a in [*actors, *readers]]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, started + seconds / 2 - time.monotonic()))
    for line in halfway():
        figures.events.append(f"{time.monotonic() - started:5.1f}s {line}")
        print(f"    {figures.events[-1]}", flush=True)
    for thread in threads:
        thread.join()
    figures.seconds = time.monotonic() - started
    (folder / "requests.json").write_text(
        json.dumps({f"{m} {r}": n for (m, r), n in sorted(figures.stats.by_route.items())}, indent=1)
    )
    return figures

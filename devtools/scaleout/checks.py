"""After the load: let the jobs and the outbox settle, then check every effect once per period, every email
delivered once with its Message-ID, gapless order numbers, and each order's work record against its state
history. Reads the stage's database directly through the ORM."""

import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_django_ready = False


def _setup(env: dict) -> None:
    global _django_ready
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        os.environ[key] = env[key]
    # No pool in this process: the next run drops and recreates the database under its connections.
    os.environ["DB_POOL"] = "false"
    if not _django_ready:
        import django

        django.setup()
        _django_ready = True
    from django.db import connections

    connections.close_all()


@dataclass
class Result:
    figures: object
    problems: list[str] = field(default_factory=list)
    lines: list[tuple[str, object]] = field(default_factory=list)

    def expect(self, condition: bool, text: str) -> None:
        if not condition:
            self.problems.append(text)

    def figure(self, label: str, value) -> None:
        self.lines.append((label, value))

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self, *, name: str, alive: list[str], restarts: list[str]) -> None:
        print(f"\n  Scale-out figures ({name}):", flush=True)
        for label, value in self.lines:
            print(f"    {label:<46} {value}")
        for event in self.figures.events:
            print(f"    fault at {event}")
        for restart in restarts:
            print(f"    {'restarted by the supervisor':<46} {restart}")
        print(f"    {'processes running at the end':<46} {', '.join(alive)}")
        if self.problems:
            print(f"\n  \033[1;31m{len(self.problems)} problem(s):\033[0m")
            for problem in self.problems:
                print(f"    - {problem}")
        else:
            print("  no 500, nothing duplicated, nothing lost")


def _server_errors(folder: Path) -> list[str]:
    """5xx in the gunicorn access logs (the format is 'METHOD PATH STATUS')."""
    found = []
    for log in sorted(folder.glob("web*.access.log")):
        for line in log.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2].startswith("5"):
                found.append(f"{log.name}: {line}")
    return found


def _job_runs(folder: Path) -> tuple[Counter, Counter]:
    """Scheduled jobs sent by the beat(s) and run by the workers, by task name, from their logs."""
    sent, ran = Counter(), Counter()
    for log in folder.glob("beat*.log"):
        sent.update(re.findall(r"Sending due task \S+ \(([\w.]+)\)", log.read_text(errors="replace")))
    for log in folder.glob("worker*.log"):
        ran.update(re.findall(r"Task ([\w.]+)\[[\w-]+\] succeeded", log.read_text(errors="replace")))
    return sent, ran


def settle_and_check(*, env: dict, smtp, figures, job_seconds: float, folder: Path) -> Result:
    _setup(env)
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Heartbeat
    from evaluation.models import EvaluationRun, Scorecard, ScoreLine
    from notifications.models import Notification, NotificationStatus
    from orders.models import EventType, Order, OrderEvent
    from production.models import CheckIn, CheckInStatus
    from supervision.models import SupervisionEvent, WeeklyMeeting, WeeklyReport

    result = Result(figures)
    stats = figures.stats

    # Settle: two more job periods at least, then until the outbox is empty and no scoring runs.
    settle_started = time.monotonic()
    time.sleep(2 * job_seconds + 2)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        pending = (
            Notification.objects.exclude(status=NotificationStatus.SENT)
            .exclude(status=NotificationStatus.FAILED)
            .count()
        )
        running = EvaluationRun.objects.filter(status__in=["queued", "running"]).count()
        if (
            pending == 0
            and running == 0
            and len(smtp.message_ids()) >= Notification.objects.filter(status=NotificationStatus.SENT).count()
        ):
            break
        time.sleep(2)
    result.figure("settled after the load (s)", f"{time.monotonic() - settle_started:.0f}")

    # --- requests --------------------------------------------------------------------------------------
    result.figure("load (s)", f"{figures.seconds:.0f}")
    result.figure("requests", f"{stats.total} ({stats.total / figures.seconds:.1f}/s)")
    result.figure("responses by status", dict(sorted(stats.statuses.items())))
    result.figure("actions", dict(sorted(figures.actions.items())))
    for refusal, n in sorted(figures.refusals.items()):
        result.figure("refused with a message", f"{n} x {refusal[:90]}")
    result.expect(not stats.errors, f"{len(stats.errors)} server errors or dropped connections: {stats.errors[:5]}")
    logged = _server_errors(folder)
    result.expect(not logged, f"{len(logged)} 5xx in the access logs: {logged[:5]}")
    result.expect(not figures.failures, f"{len(figures.failures)} failed steps: {figures.failures[:5]}")
    result.expect(len(figures.api_orders) > 0, "no order was taken in")

    # --- scheduled jobs: once per period ---------------------------------------------------------------
    sent, ran = _job_runs(folder)
    for task in sorted(sent):
        result.figure(f"job {task}: sent / run", f"{sent[task]} / {ran[task]}")
    result.expect(all(ran[task] > 1 for task in sent), "a scheduled job did not run several times")
    today = timezone.localdate()
    beat = Heartbeat.objects.filter(name="beat").values_list("last_run", flat=True).first()
    result.expect(beat is not None, "beat never ran the heartbeat job")
    checkin_dups = CheckIn.objects.values("order_id", "day").annotate(n=Count("id")).filter(n__gt=1).count()
    result.expect(checkin_dups == 0, f"{checkin_dups} (order, day) pairs with more than one check-in")
    in_production = set(Order.objects.filter(status="in_production").values_list("pk", flat=True))
    today_checkins = Counter(CheckIn.objects.filter(day=today).values_list("order_id", flat=True))
    from workcalendar.calendar import WorkCalendar

    if WorkCalendar.load().is_working_day(today):
        without = sorted(in_production - set(today_checkins))
        result.expect(not without, f"orders in production without today's check-in: {without[:10]}")
    statuses = Counter(CheckIn.objects.filter(day=today).values_list("status", flat=True))
    result.figure("today's check-ins by status", dict(sorted(statuses.items())))
    still_open = CheckIn.objects.filter(status=CheckInStatus.PENDING, day__lt=today).count()
    result.expect(still_open == 0, f"{still_open} check-ins of earlier days still to do after the missed job")
    wrongly_missed = CheckIn.objects.filter(status=CheckInStatus.MISSED, completed_at__isnull=False).count()
    result.expect(wrongly_missed == 0, f"{wrongly_missed} recorded check-ins later marked missed")

    week = WeeklyMeeting.objects.values("team_id", "week_start").annotate(n=Count("id"))
    result.expect(all(row["n"] == 1 for row in week), "a team has two meetings in one week")
    created = Counter(
        SupervisionEvent.objects.filter(action="created", subject__icontains="meeting").values_list(
            "subject", flat=True
        )
    )
    result.expect(
        all(n == 1 for n in created.values()), f"meetings created twice: {[s for s, n in created.items() if n > 1]}"
    )
    result.figure("weekly meetings (created events)", f"{WeeklyMeeting.objects.count()} ({sum(created.values())})")
    reports = WeeklyReport.objects.values("merchandiser_id", "week_start").annotate(n=Count("id"))
    result.expect(all(row["n"] == 1 for row in reports), "a merchandiser has two reports in one week")
    flags = Counter(SupervisionEvent.objects.filter(action="flagged_missing").values_list("subject", flat=True))
    result.expect(
        all(n == 1 for n in flags.values()), f"reports flagged twice: {[s for s, n in flags.items() if n > 1]}"
    )
    result.figure("weekly reports (missing flags)", f"{WeeklyReport.objects.count()} ({sum(flags.values())})")

    # Reminders (issue 21 item 3): a digest per person and day, each escalation step once, each with its
    # notices once (the constraints make a duplicate impossible; this says so if one ever is not).
    from notifications.models import InboxItem
    from reminders.models import Digest, Escalation

    digest_dups = Digest.objects.values("user_id", "day").annotate(n=Count("id")).filter(n__gt=1).count()
    result.expect(digest_dups == 0, f"{digest_dups} people with two digests in a day")
    notices = Counter(
        InboxItem.objects.filter(kind="digest", created_at__date__gte=today).values_list("user_id", flat=True)
    )
    result.expect(all(n == 1 for n in notices.values()), "a person has two digest notices today")
    steps = Escalation.objects.values("kind", "subject_id", "step").annotate(n=Count("id")).filter(n__gt=1).count()
    result.expect(steps == 0, f"{steps} escalation steps taken twice")
    digests_today = Digest.objects.filter(day=today).count()
    result.figure("digests today / escalation steps", f"{digests_today} / {Escalation.objects.count()}")

    runs = EvaluationRun.objects.all()
    scheduled = Counter(runs.filter(trigger="schedule").values_list("evaluation_id", flat=True))
    result.expect(all(n == 1 for n in scheduled.values()), "a quarter has two scheduled scoring runs")
    run_states = Counter(runs.values_list("status", flat=True))
    result.figure("scoring runs by status", dict(sorted(run_states.items())))
    result.expect(run_states.get("queued", 0) + run_states.get("running", 0) == 0, "a scoring run never finished")
    cards = Scorecard.objects.values("evaluation_id", "merchandiser_id").annotate(n=Count("id")).filter(n__gt=1)
    lines = ScoreLine.objects.values("evaluation_id", "merchandiser_id", "kpi").annotate(n=Count("id")).filter(n__gt=1)
    result.expect(not cards.exists() and not lines.exists(), "a merchandiser has two scorecards or lines in a quarter")
    result.figure("scorecards", Scorecard.objects.count())

    # --- emails: each delivered once, with its Message-ID --------------------------------------------
    notifications = list(Notification.objects.values("pk", "status", "message_id", "attempts"))
    delivered = Counter(smtp.message_ids())
    sent = [n for n in notifications if n["status"] == NotificationStatus.SENT]
    new_sent = [n for n in sent if n["message_id"]]
    result.figure(
        "outbox emails: all / sent / delivered to the sink",
        f"{len(notifications)} / {len(sent)} / {sum(delivered.values())}",
    )
    result.figure("emails that needed a retry", sum(1 for n in sent if n["attempts"] > 1))
    not_sent = [n["pk"] for n in notifications if n["status"] != NotificationStatus.SENT]
    result.expect(not not_sent, f"{len(not_sent)} outbox emails never sent: {not_sent[:10]}")
    no_id = [n["pk"] for n in sent if not n["message_id"]]
    result.expect(not no_id, f"{len(no_id)} sent emails without a Message-ID")
    ours = {n["message_id"].strip() for n in new_sent}
    missing = [mid for mid in ours if delivered[mid] == 0]
    twice = [mid for mid, n in delivered.items() if n > 1]
    stray = [mid for mid in delivered if mid not in ours]
    result.expect(not missing, f"{len(missing)} sent emails never reached the mail server")
    result.expect(not twice, f"{len(twice)} emails delivered more than once: {twice[:5]}")
    result.expect(not stray, f"{len(stray)} emails delivered that the outbox does not know: {stray[:5]}")
    result.figure("emails duplicated / lost", f"{len(twice)} / {len(missing) + len(not_sent)}")

    # --- order numbers: unique and gapless per year ----------------------------------------------------
    numbers = list(Order.objects.exclude(number__isnull=True).exclude(number="").values_list("number", flat=True))
    by_year: dict[str, list[int]] = {}
    for number in numbers:
        match = re.search(r"(\d{4})\D+(\d+)$", number)
        if match:
            by_year.setdefault(match.group(1), []).append(int(match.group(2)))
    for year, seqs in by_year.items():
        result.expect(len(seqs) == len(set(seqs)), f"{year}: an order number is used twice")
        result.expect(sorted(seqs) == list(range(1, len(seqs) + 1)), f"{year}: order numbers have gaps")
    result.figure(
        "orders: all / taken in by the API / numbered",
        f"{Order.objects.count()} / {len(figures.api_orders)} / {len(numbers)}",
    )
    result.figure("orders by state", dict(sorted(Counter(Order.objects.values_list("status", flat=True)).items())))

    # --- each order's work record matches its state history ------------------------------------------
    transitions: dict[int, list[tuple[str, str]]] = {}
    for order_id, from_state, to_state in (
        OrderEvent.objects.filter(type=EventType.TRANSITION)
        .order_by("order_id", "created_at", "pk")
        .values_list("order_id", "from_state", "to_state")
    ):
        transitions.setdefault(order_id, []).append((from_state, to_state))
    # The order's own record of its states: created once, numbered once when entered, the timestamps of
    # the states it passed through.
    created = Counter(OrderEvent.objects.filter(type=EventType.CREATED).values_list("order_id", flat=True))
    numbered = Counter(OrderEvent.objects.filter(type=EventType.NUMBER_ASSIGNED).values_list("order_id", flat=True))
    mismatched = []
    # The orders the load took in: the demo's own were written by the loader with a shortened record.
    for order_id, status, number, confirmed_at, entered_at in Order.objects.filter(
        pk__in=figures.api_orders
    ).values_list("pk", "status", "number", "confirmed_at", "entered_at"):
        steps = transitions.get(order_id, [])
        chain = ["received"]
        for from_state, to_state in steps:
            if from_state != chain[-1]:
                mismatched.append((order_id, f"{from_state} -> {to_state} after {chain[-1]}"))
            chain.append(to_state)
        if chain[-1] != status:
            mismatched.append((order_id, f"the record ends {chain[-1]}, the order is {status}"))
        if created[order_id] != 1:
            mismatched.append((order_id, f"{created[order_id]} created events"))
        if numbered[order_id] != (1 if number else 0):
            mismatched.append((order_id, f"number {number!r} with {numbered[order_id]} numbering events"))
        if ("confirmed" in chain) != (confirmed_at is not None) or ("entered" in chain) != (entered_at is not None):
            mismatched.append((order_id, f"confirmed/entered times disagree with {chain}"))
    result.expect(not mismatched, f"{len(mismatched)} orders whose record disagrees: {mismatched[:5]}")
    result.figure("state changes in the work record", sum(len(v) for v in transitions.values()))
    return result

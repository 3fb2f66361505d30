"""notify_many: many notices in a fixed number of queries, with notify()'s guarantees. The batch writes the
same inbox rows, the same outbox rows and moves the same bells as one notify() per notice; a dedupe key
gives one notice however often and by however many transactions it is asked for, the unique key deciding a
race; each person's channels per kind are respected."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from notifications.models import InboxItem, Notification
from notifications.selectors import inbox_unread_count
from notifications.services import Notice, inbox_preferences_save, notify, notify_many, team_robot_save

from ..factories import make_order, staff

pytestmark = pytest.mark.django_db

WECOM_URL = "http://127.0.0.1:9/cgi-bin/webhook/send?key=K"
DINGTALK_URL = "http://127.0.0.1:9/robot/send?access_token=T"


@pytest.fixture
def people(team_a, supervisor, merchandiser):
    """Everyone notify treats differently: by email (the kind's default), in the team's chat groups only,
    in Chinese, without an email address, inactive."""
    team = team_a[0]
    team_robot_save(team_id=team.pk, channel="wecom", webhook_url=WECOM_URL, secret="", actor=supervisor)
    team_robot_save(team_id=team.pk, channel="dingtalk", webhook_url=DINGTALK_URL, secret="S", actor=supervisor)
    inbox_preferences_save(user=merchandiser, choices={"order_mention": {"wecom", "dingtalk"}, "digest": {"wecom"}})
    supervisor.preferred_language = "zh-hans"
    supervisor.save()
    inbox_preferences_save(user=supervisor, choices={"digest": {"email"}})
    no_address = staff(Role.MERCHANDISER, team=team, email="")
    inactive = staff(Role.MERCHANDISER, team=team, is_active=False)
    return [supervisor, merchandiser, no_address, inactive]


def _notices(people, order, *, suffix: str) -> list[Notice]:
    notices = []
    for person in people:
        for kind in ("order_mention", "digest"):
            notices.append(
                Notice(
                    user=person,
                    kind=kind,
                    link=f"/orders/{order.pk}/",
                    reference=f"order:{order.pk}",
                    template="order_mention",
                    context={"order": order, "recipient": person, "actor": "Li Na", "text": "Look"},
                    email_context={"url": f"http://testserver/orders/{order.pk}/"},
                    dedupe_key=f"{kind}:{person.pk}:{suffix}",
                )
            )
    notices.append(notices[0])  # the same key twice in one call: the first wins
    notices.append(Notice(**{**notices[1].__dict__, "dedupe_key": None}))  # no key: always written
    return notices


def _inbox_rows(suffix):
    return [
        (row.user_id, row.kind, row.title, row.link, (row.dedupe_key or "").removesuffix(suffix), row.read_at)
        for row in InboxItem.objects.order_by("pk")
        if row.dedupe_key is None or row.dedupe_key.endswith(suffix)
    ]


def _outbox_rows(since_pk):
    return [
        (n.channel, n.robot_id, n.kind, n.reference, (n.dedupe_key or "")[:-2], n.to_email, n.language, n.subject)
        + (n.body_text, n.body_html, n.status)
        for n in Notification.objects.filter(pk__gt=since_pk).order_by("pk")
    ]


def test_the_batch_writes_what_one_notify_per_notice_writes(people, merchandiser):
    order = make_order(merchandiser=merchandiser)
    bells = {person.pk: inbox_unread_count(user=person) for person in people}  # kept in the cache now
    assert set(bells.values()) == {0}

    with transaction.atomic():
        singles = [notify(**notice.__dict__) for notice in _notices(people, order, suffix=":1")]
    single_rows = _inbox_rows(":1")
    single_outbox = _outbox_rows(0)
    after_singles = {person.pk: inbox_unread_count(user=person) for person in people}
    InboxItem.objects.filter(dedupe_key__isnull=True).delete()  # so the rows compared below are the batch's
    last = Notification.objects.order_by("pk").last().pk

    with transaction.atomic():
        batch = notify_many(notices=_notices(people, order, suffix=":2"))
    assert [item is None for item in batch] == [item is None for item in singles]
    assert _inbox_rows(":2") == single_rows
    assert _outbox_rows(last) == single_outbox
    # The bells moved: each counts the batch's notices on top of the singles' (the unkeyed one was deleted).
    assert {pk: inbox_unread_count(user=person) for pk, person in zip(bells, people, strict=True)} == {
        pk: 2 * count - (1 if pk == people[0].pk else 0) for pk, count in after_singles.items()
    }

    channels = {(n.channel, n.to_email or n.robot.team_id) for n in Notification.objects.filter(pk__gt=last)}
    supervisor, merchandiser, no_address, inactive = people
    assert channels == {
        ("email", supervisor.email),
        ("wecom", merchandiser.team_id),
        ("dingtalk", merchandiser.team_id),
    }
    assert not InboxItem.objects.filter(user=inactive).exists()
    assert InboxItem.objects.filter(user=no_address).count() == 4
    assert "提到了你" in InboxItem.objects.filter(user=supervisor).first().title


def test_a_rerun_writes_nothing_and_answers_none(people, merchandiser):
    order = make_order(merchandiser=merchandiser)
    keyed = [notice for notice in _notices(people, order, suffix=":1") if notice.dedupe_key]
    with transaction.atomic():
        first = notify_many(notices=keyed)
    inbox, outbox = InboxItem.objects.count(), Notification.objects.count()
    with transaction.atomic():
        again = notify_many(notices=keyed)
    assert sum(item is not None for item in first) == 6 and again == [None] * len(keyed)
    assert (InboxItem.objects.count(), Notification.objects.count()) == (inbox, outbox)


def test_the_queries_do_not_grow_with_the_notices(team_a, supervisor):
    team = team_a[0]
    team_robot_save(team_id=team.pk, channel="wecom", webhook_url=WECOM_URL, secret="", actor=supervisor)
    order = make_order(merchandiser=team_a[2])

    def queries_for(count, suffix):
        people = [staff(Role.MERCHANDISER, team=team) for _ in range(count)]
        for person in people:
            inbox_preferences_save(user=person, choices={"order_mention": {"email", "wecom"}})
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            made = notify_many(notices=_notices(people, order, suffix=suffix))
        assert Notification.objects.filter(kind="order_mention", dedupe_key__endswith=suffix).count() == count
        assert sum(item is not None for item in made) == 2 * count + 1
        return len(queries)

    assert queries_for(3, ":a") == queries_for(12, ":b")


def test_the_outbox_goes_after_commit_once_each(people, merchandiser, monkeypatch, django_capture_on_commit_callbacks):
    from notifications import tasks

    sent = []
    monkeypatch.setattr(tasks.send_notification, "delay", sent.append)
    order = make_order(merchandiser=merchandiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notify_many(notices=_notices(people, order, suffix=":1"))
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(sent) == sorted(Notification.objects.values_list("pk", flat=True))


def test_a_rolled_back_change_leaves_nothing(people, merchandiser):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_many(notices=_notices(people, order, suffix=":1"))
        raise RuntimeError("the caller's change failed")
    assert not InboxItem.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_commits", [True, False])
def test_two_transactions_racing_for_the_same_keys_write_each_once(first_commits):
    if connection.vendor != "postgresql":
        pytest.skip("the race is decided by PostgreSQL's unique index, waiting for the other transaction")
    people = [staff(Role.MERCHANDISER) for _ in range(3)]
    order = make_order(merchandiser=people[0])

    def notices(members):
        return [
            Notice(
                user=person,
                kind="order_mention",
                link="/",
                reference="race",
                template="order_mention",
                context={"order": order, "recipient": person, "actor": "Li Na", "text": "Look"},
                dedupe_key=f"race:{person.pk}",
            )
            for person in members
        ]

    written, finish = threading.Event(), threading.Event()
    answers = {}

    def first():  # people 0 and 1, then waits with its transaction open
        try:
            with transaction.atomic():
                answers["first"] = notify_many(notices=notices(people[:2]))
                written.set()
                finish.wait(timeout=20)
                if not first_commits:
                    transaction.set_rollback(True)
        finally:
            close_old_connections()
            connection.close()

    def second():  # people 1 and 2: its check misses the first's uncommitted row, its insert waits for it
        try:
            written.wait(timeout=20)
            with transaction.atomic():
                answers["second"] = notify_many(notices=notices(people[1:]))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert written.wait(timeout=20)
    _wait_until_a_query_waits_for_a_lock()
    finish.set()
    for thread in threads:
        thread.join(timeout=30)

    assert all(item is not None for item in answers["first"])
    if first_commits:
        assert answers["second"][0] is None and answers["second"][1] is not None
        assert InboxItem.objects.filter(dedupe_key__startswith="race:").count() == 3
    else:
        assert all(item is not None for item in answers["second"])
        assert InboxItem.objects.filter(dedupe_key__startswith="race:").count() == 2
    assert not Notification.objects.exclude(dedupe_key__in=InboxItem.objects.values("dedupe_key")).exists()
    assert Notification.objects.count() == InboxItem.objects.count()  # order_mention emails by default


def _wait_until_a_query_waits_for_a_lock(timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second transaction never waited for the first")

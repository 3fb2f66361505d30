"""A short thread on one of merch.li's orders in production (issue #20 item 7): the merchandiser raises a
fabric delay with her supervisor and QA by @mention, and both answer. sup.zhao and qa.zhou see it under
"mentioned you" on their work pages."""

from accounts.models import User
from orders.models import Order, OrderComment, OrderState
from orders.services import order_comment_post

THREAD = [
    ("merch.li", "@sup.zhao 面料供应商推迟三天交货，能否调整生产排期？@qa.zhou 到货后请安排面料复检。"),
    ("sup.zhao", "@merch.li 同意，已和工厂确认排期顺延三天，交期不变。"),
    ("qa.zhou", "@merch.li 收到，面料到货当天复检，结果写在这里。"),
]


def load(rng=None) -> int:
    """Post the thread once; running the demo again adds nothing."""
    people = {u.username: u for u in User.objects.filter(username__in={who for who, _text in THREAD})}
    order = (
        Order.objects.filter(merchandiser=people.get("merch.li"), status=OrderState.IN_PRODUCTION)
        .order_by("pk")
        .first()
    )
    if order is None or len(people) < len(THREAD) or OrderComment.objects.filter(order=order).exists():
        return 0
    for who, text in THREAD:
        order_comment_post(order_id=order.pk, actor=people[who], text=text)
    return len(THREAD)

"""Every change to an order goes through one of these functions."""

from .discussion import order_comment_post
from .hold import order_hold, order_release
from .intake import LineInput, OrderInput, order_create
from .numbering import order_number_next
from .promises import (
    PromiseReason,
    promise_approve,
    promise_customer_answer,
    promise_propose,
    promise_reject,
)
from .records import (
    attachment_add,
    order_attachment_add,
    order_check_all,
    order_check_item,
    order_edit,
    order_reassign,
    order_record_confirmation,
    order_record_online_confirmation,
    order_set_flags,
)
from .workflow import order_lock, order_transition, transitions_available

__all__ = [
    "PromiseReason",
    "promise_approve",
    "promise_customer_answer",
    "promise_propose",
    "promise_reject",
    "LineInput",
    "OrderInput",
    "attachment_add",
    "order_attachment_add",
    "order_check_all",
    "order_check_item",
    "order_comment_post",
    "order_create",
    "order_edit",
    "order_hold",
    "order_lock",
    "order_number_next",
    "order_reassign",
    "order_record_confirmation",
    "order_record_online_confirmation",
    "order_release",
    "order_set_flags",
    "order_transition",
    "transitions_available",
]

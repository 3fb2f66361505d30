"""The kinds of notice a person may get, and the channels a notice may take besides the inbox.

Every notice lands in the inbox. A person chooses, per kind, which channels also carry it (preferences
page); a kind with no choice made takes its default. Kinds are plain strings the callers pass: this
module only names them for the preferences page, so notifications still knows nothing of orders.
WeCom and DingTalk go to the person's team's group robot, so they are offered only to someone whose team
has that robot (notifications.selectors.inbox_channels_offered)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EMAIL = "email"
WECOM = "wecom"  # notifications.robots
DINGTALK = "dingtalk"

# The channels that work today, in the order the preferences page offers them, each with its choice's label
# (a whole phrase per channel: word order differs between the languages).
CHANNELS: dict[str, object] = {
    EMAIL: _("In the app and by email"),
    WECOM: _("In the app and in my team's WeCom group"),
    DINGTALK: _("In the app and in my team's DingTalk group"),
}


@dataclass(frozen=True)
class Kind:
    key: str
    label: object  # a lazy translation
    default_channels: frozenset[str] = frozenset()


_KINDS = [
    # The staff emails of before the inbox keep their email by default; the new kinds start in the app only.
    Kind("order_mention", _("Someone names you in an order's discussion"), frozenset({EMAIL})),
    Kind("order_handover", _("An order is handed over to you")),
    Kind("customer_changed", _("A customer of yours gets another merchandiser or email address"), frozenset({EMAIL})),
    Kind("case_opened", _("An after-sales case is given to you"), frozenset({EMAIL})),
    Kind("case_sla_warning", _("An after-sales case nears its deadline"), frozenset({EMAIL})),
    Kind("case_sla_breach", _("An after-sales case is past its deadline"), frozenset({EMAIL})),
    Kind("factory_report", _("A factory reports from its phone on one of your orders"), frozenset({EMAIL})),
    Kind("digest", _("Your morning digest: overdue, due today, waiting for you")),
    Kind("reminder", _("A deadline of yours comes near")),
    Kind("approval_waiting", _("An approval or review has waited for you too long")),
    Kind("escalation", _("Something stays overdue and is escalated to you")),
]
KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}


def kind_label(key: str):
    kind = KINDS.get(key)
    return kind.label if kind else key

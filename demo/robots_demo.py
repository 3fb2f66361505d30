"""A chat robot to see (issue #21 item 2): merchandising team A's WeCom robot points at the development
fake on this very site (/dev/robots/, devtools.robots: it takes robot posts and lists them), and merch.li
has chosen WeCom for factory reports, so the factory demo's reports reach the group as `make run` works.
The robot is set before the other demo data so that their notices find it."""

from django.conf import settings

from accounts.models import Team, User
from notifications.kinds import WECOM
from notifications.models import TeamRobot
from notifications.robots import robot_host_allowed
from notifications.services import inbox_preferences_save, team_robot_save

DEMO_WECOM_KEY = "demo-team-a-0000"


def demo_wecom_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/dev/robots/cgi-bin/webhook/send?key={DEMO_WECOM_KEY}"


def load(rng=None) -> int:
    """Team A's robot and merch.li's choice; running the demo again changes neither."""
    team = Team.objects.get(name_en="Merchandising team A")
    if TeamRobot.objects.filter(team=team, channel=WECOM).exists() or not robot_host_allowed(demo_wecom_url()):
        return 0  # loaded already, or a trial on a public address, where loopback robots are not allowed
    admin = User.objects.filter(username="mgmt.zheng").first()
    team_robot_save(team_id=team.pk, channel=WECOM, webhook_url=demo_wecom_url(), secret="", actor=admin)
    inbox_preferences_save(user=User.objects.get(username="merch.li"), choices={"factory_report": {WECOM}})
    return 1

"""The demo's stand-in robots (devtools/robots.py): what the worker posts there is kept and listed, and
the demo's team A robot points at it, so `make run` shows the chat channel at work."""

import json

import pytest
from django.test import RequestFactory

from devtools import robots


def test_the_dev_robot_takes_a_markdown_post_and_lists_it(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    post = RequestFactory().post(
        "/dev/robots/cgi-bin/webhook/send?key=demo",
        data=json.dumps({"msgtype": "markdown", "markdown": {"content": "### 工厂报告\nFor 李娜"}}),
        content_type="application/json",
    )
    assert json.loads(robots.wecom_send(post).content) == {"errcode": 0, "errmsg": "ok"}
    bad = RequestFactory().post("/dev/robots/robot/send", data="{}", content_type="application/json")
    assert json.loads(robots.dingtalk_send(bad).content)["errcode"] != 0
    page = robots.received(RequestFactory().get("/dev/robots/")).content.decode()
    assert "工厂报告" in page and "For 李娜" in page


@pytest.mark.django_db
def test_the_demo_points_team_a_wecom_robot_at_the_dev_robot(settings):
    from accounts.models import Team, User
    from demo import robots_demo
    from notifications.models import TeamRobot
    from notifications.selectors import inbox_channels_for

    Team.objects.create(name_en="Merchandising team A", name_zh="跟单一组")
    User.objects.create(username="merch.li")
    assert robots_demo.load() == 1
    assert robots_demo.load() == 0  # again: nothing changes
    robot = TeamRobot.objects.get()
    assert robot.webhook_url == robots_demo.demo_wecom_url() and "/dev/robots/cgi-bin/webhook/send" in robot.webhook_url
    assert inbox_channels_for(user=User.objects.get(username="merch.li"), kind="factory_report") == {"wecom"}

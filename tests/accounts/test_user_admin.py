"""No one but a superuser grants power (issue 19 item 12): HR holds no right to change staff accounts, and the
user admin refuses superuser, staff, group and permission edits, and any edit of a superuser, to a
non-superuser who was given the change right by hand."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS, Role

from ..factories import staff

pytestmark = pytest.mark.django_db


def change_form(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "employee_no": user.employee_no or "",
        "department": user.department,
        "team": "",
        "preferred_language": user.preferred_language,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def hr_staff_with_change_right(db):
    """An HR person made staff in the admin and, by someone's mistake, given the change right directly."""
    person = staff(Role.HR, is_staff=True)
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="change_user"),
        Permission.objects.get(content_type__app_label="accounts", codename="view_user"),
    )
    return User.objects.get(pk=person.pk)


def test_hr_holds_no_right_to_change_staff_accounts(hr_user):
    assert "accounts.change_user" not in ROLE_PERMISSIONS[Role.HR]
    assert not Group.objects.get(name=Role.HR).permissions.filter(codename="change_user").exists()
    assert not hr_user.has_perm("accounts.change_user")


def test_a_non_superuser_cannot_make_themselves_superuser_in_the_admin(client, hr_staff_with_change_right):
    me = hr_staff_with_change_right
    client.force_login(me)
    url = f"/admin/accounts/user/{me.pk}/change/"

    page = client.get(url)
    response = client.post(
        url,
        change_form(
            me,
            first_name="Changed",
            is_superuser="on",
            is_staff="on",
            groups=[Group.objects.get(name=Role.MANAGEMENT).pk],
        ),
    )

    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    me = User.objects.get(pk=me.pk)
    assert me.first_name == "Changed"  # the profile edit went through
    assert not me.is_superuser
    assert list(me.groups.values_list("name", flat=True)) == [Role.HR]


def test_a_non_superuser_cannot_touch_a_superuser_account(client, hr_staff_with_change_right):
    root = User.objects.create_superuser("root2", "root2@example.com", "Root-pass-123456")
    client.force_login(hr_staff_with_change_right)

    change = client.post(f"/admin/accounts/user/{root.pk}/change/", change_form(root, email="hr@evil.example"))
    password = client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "Taken-over-99887", "password2": "Taken-over-99887"},
    )

    assert change.status_code == 403
    assert password.status_code == 403
    root = User.objects.get(pk=root.pk)
    assert root.email == "root2@example.com"
    assert root.check_password("Root-pass-123456")


def test_a_superuser_still_grants_roles_in_the_admin(client, hr_user):
    root = User.objects.create_superuser("root3", "root3@example.com", "Root-pass-123456")
    client.force_login(root)

    response = client.post(
        f"/admin/accounts/user/{hr_user.pk}/change/",
        change_form(
            hr_user, is_staff="on", groups=[Group.objects.get(name=Role.HR).pk, Group.objects.get(name=Role.QA).pk]
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(User.objects.get(pk=hr_user.pk).groups.values_list("name", flat=True)) == {Role.HR, Role.QA}

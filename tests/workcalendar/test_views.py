"""HR manages the company calendar in the app; supervisors read it; the warning for an empty next year."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workcalendar.calendar import WorkCalendar
from workcalendar.models import CalendarDay, CalendarEvent

WARNING = 'id="calendar-missing-year"'
DECEMBER = time_machine.travel(date(2026, 12, 6), tick=False)


@pytest.fixture
def december():
    with DECEMBER:
        yield


@pytest.mark.django_db
def test_hr_adds_a_holiday_and_the_warning_goes(client, hr_user, december):
    client.force_login(hr_user)
    assert WARNING in client.get(reverse("workcalendar:calendar")).content.decode()
    response = client.post(
        reverse("workcalendar:day_set"), {"date": "2027-01-01", "name": "元旦 New Year's Day", "kind": "holiday"}
    )
    assert response.status_code == 302
    assert not WorkCalendar.load().is_working_day(date(2027, 1, 1))
    assert WARNING not in client.get(reverse("workcalendar:calendar")).content.decode()
    assert CalendarEvent.objects.get().actor == hr_user


@pytest.mark.django_db
def test_hr_imports_the_notice_from_a_csv(client, hr_user, december):
    client.force_login(hr_user)
    upload = SimpleUploadedFile("2027.csv", "2027-10-01,国庆节\n2027-10-09,调休,workday\n".encode(), "text/csv")
    assert client.post(reverse("workcalendar:import"), {"file": upload}).status_code == 302
    assert WorkCalendar.load().is_working_day(date(2027, 10, 9))  # a Saturday worked in exchange
    page = client.get(reverse("dashboards:hr")).content.decode()
    assert WARNING not in page


@pytest.mark.django_db
def test_a_bad_file_or_form_is_answered_with_a_message(client, hr_user):
    client.force_login(hr_user)
    upload = SimpleUploadedFile("x.csv", b"2030-10-01,ok\nnot-a-date,x\n", "text/csv")
    response = client.post(reverse("workcalendar:import"), {"file": upload})
    assert response.status_code == 400 and "is not a date" in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2030).exists()
    response = client.post(reverse("workcalendar:day_set"), {"date": "2999-01-01", "name": "x", "kind": "holiday"})
    assert response.status_code == 400
    response = client.post(reverse("workcalendar:day_delete", args=[999999]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_hr_removes_a_day(client, hr_user):
    client.force_login(hr_user)
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert client.post(reverse("workcalendar:day_delete", args=[day.pk])).status_code == 302
    assert not WorkCalendar.load().is_working_day(date(2026, 10, 10))  # an ordinary Saturday again


@pytest.mark.django_db
def test_the_supervisor_reads_the_calendar_and_sees_the_warning_but_changes_nothing(client, supervisor, december):
    client.force_login(supervisor)
    page = client.get(reverse("workcalendar:calendar")).content.decode()
    assert WARNING in page and "国庆节" in page
    assert reverse("workcalendar:day_set") not in page
    assert client.post(reverse("workcalendar:day_set"), {"date": "2027-01-01", "name": "x"}).status_code == 403
    assert WARNING in client.get(reverse("dashboards:supervisor")).content.decode()


@pytest.mark.django_db
def test_no_warning_before_november(client, hr_user):
    client.force_login(hr_user)
    with time_machine.travel(date(2026, 10, 20), tick=False):
        assert WARNING not in client.get(reverse("dashboards:hr")).content.decode()


@pytest.mark.django_db
def test_the_merchandiser_has_no_calendar_page(client, merchandiser):
    client.force_login(merchandiser)
    assert client.get(reverse("workcalendar:calendar")).status_code == 403

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "跟单系统 Order follow-up"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    path("orders/", include("orders.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("production/", include("production.urls")),
    path("calendar/", include("workcalendar.urls")),
    path("calendar-feed/", include("calendarfeed.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("logistics/", include("logistics.urls")),
    path("documents/", include("documents.urls")),
    path("golive/", include("golive.urls")),
    path("aftersales/", include("aftersales.urls")),
    path("supervision/", include("supervision.urls")),
    path("search/", include("search.urls")),
    path("inbox/", include("notifications.urls")),
    path("reminders/", include("reminders.urls")),
    path("s/", include("customer_portal.urls")),  # the customer's status page: signed link, no login
    path("customer/", include("customer_portal.portal_urls")),  # the signed-in customer portal (contacts)
    path("portal-access/", include("customer_portal.staff_urls")),  # staff invite and revoke contacts
    path("webhooks/", include("webhooks.urls")),
    path("api/v1/", include("orders.api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if "devtools" in settings.INSTALLED_APPS and settings.WEBHOOKS_ALLOW_LOOPBACK:  # make run's webhook receiver
    urlpatterns.append(path("dev/webhooks/", include("devtools.receiver_urls")))

if settings.PERF_FLOOR_ENABLED:  # the benchmark's floor page (bench/run.py); off unless the bench asks
    urlpatterns.append(path("perf/", include("devtools.urls")))

if settings.DEBUG and "devtools" in settings.INSTALLED_APPS:  # the demo's stand-in chat robots (make run)
    urlpatterns.append(path("dev/robots/", include("devtools.robot_urls")))

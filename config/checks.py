"""The project's own system checks (`manage.py check`), registered by config.apps.ProjectConfig."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Hosts that only the machine running the app can reach: a customer's link to them leads nowhere.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}  # noqa: S104 - refused, not bound


def site_url_problem(site_url: str) -> str | None:
    """Why `site_url` cannot be the base of the links customers receive, or None when it can."""
    if not site_url.strip():
        return "SITE_URL is not set"
    parts = urlsplit(site_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"SITE_URL {site_url!r} is not an absolute http(s) address"
    host = parts.hostname.lower()
    if host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        return f"SITE_URL {site_url!r} points at this machine ({host})"
    return None


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """Status links and customer emails are built on SITE_URL; a deployment must give a public one."""
    problem = site_url_problem(getattr(settings, "SITE_URL", ""))
    if problem is None:
        return []
    return [
        checks.Error(
            f"{problem}: the links in customer emails and status links would not reach the server.",
            hint="Set SITE_URL to the public address of the site, e.g. https://gendan.example.com",
            id="gendan.E001",
        )
    ]

import logging
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .client_address import client_ip
from .roles import has_role

security_log = logging.getLogger("security.access")


def role_required(*roles):
    """The view needs a signed-in person holding one of `roles`; others get 403 and a log line."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                security_log.warning(
                    "access denied user=%s ip=%s url=%s need=%s",
                    request.user.get_username(),
                    client_ip(request),
                    request.path,
                    ",".join(roles),
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

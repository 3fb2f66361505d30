"""Serving stored files safely: always a download, never rendered inline, and a log line when refused.
Orders and the stage apps (shipment documents, case attachments) serve their files through these."""

from django.http import FileResponse, Http404

from accounts.client_address import client_ip
from accounts.decorators import security_log


def file_not_found(request, what: str):
    """Log the refused look-up (user, IP, URL) and answer 404."""
    security_log.warning("%s not found user=%s ip=%s url=%s", what, request.user, client_ip(request), request.path)
    return Http404()


def download_response(stored_file, filename: str) -> FileResponse:
    response = FileResponse(
        stored_file.open("rb"), as_attachment=True, filename=filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

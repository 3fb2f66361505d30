"""Two-factor sign-in with an authenticator app (TOTP, django-otp).

Setup shows the otpauth:// link and its QR code (an SVG drawn on the server, no third party sees the
secret) and saves the device only once the person has typed a code from it. Verify asks for a code
after the password. accounts.middleware.OTPRequiredMiddleware decides who is sent where.
"""

import base64
import logging
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core.qr import qr_data_uri

from .client_address import client_ip
from .middleware import otp_has_device, otp_required_for

security_log = logging.getLogger("security.access")

SETUP_KEY_SESSION = "otp_setup_key"  # the secret being set up, kept server-side until confirmed


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": gettext_lazy("Enter the 6-digit code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _log(event: str, request) -> None:
    security_log.warning(
        "%s user=%s ip=%s url=%s", event, request.user.get_username(), client_ip(request), request.path
    )


@never_cache
@login_required
def otp_setup(request):
    """Add an authenticator. With one already confirmed, only a verified session may replace it."""
    if otp_has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    key = request.session.get(SETUP_KEY_SESSION)
    if not key:
        key = default_key()
        request.session[SETUP_KEY_SESSION] = key
    device = TOTPDevice(user=request.user, name=_("Authenticator app"), key=key, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(unhexlify(key), device.step, device.t0, device.digits, device.drift)
        if totp.verify(int(form.cleaned_data["token"]), tolerance=device.tolerance):
            device.last_t = totp.t()
            device.confirmed = True
            TOTPDevice.objects.filter(user=request.user).delete()  # one authenticator per person
            device.save()
            del request.session[SETUP_KEY_SESSION]
            request.session.cycle_key()  # a higher privilege level: a new session id
            django_otp.login(request, device)
            security_log.info("otp device set up user=%s", request.user.get_username())
            messages.success(request, _("Two-factor sign-in is on. Keep your phone: you need it to sign in."))
            return redirect(_next_url(request))
        _log("otp setup code refused", request)
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    context = {
        "form": form,
        "otpauth_uri": device.config_url,
        "qr_data_uri": qr_data_uri(device.config_url),
        "secret_b32": base64.b32encode(unhexlify(key)).decode(),
        "required": otp_required_for(request.user),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def otp_verify(request):
    """The second step of signing in: a code from the person's authenticator."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            # verify_token locks the device row and applies django-otp's throttling (exponential delay)
            verified = django_otp.verify_token(request.user, device.persistent_id, form.cleaned_data["token"])
            if verified:
                request.session.cycle_key()
                django_otp.login(request, verified)
                return redirect(_next_url(request))
        _log("otp code refused", request)
        form.add_error("token", _("That code is not right, or too many were tried. Wait a moment and try again."))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )

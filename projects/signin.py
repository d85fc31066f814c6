"""The sign-in page: Django's login view with the studio's messages for a busy server and a lockout."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from projects.login_throttle import PasswordChecksBusy, lockout_of

TEMPLATE = "registration/login.html"


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your username and password didn't match. Please try again.",
    }

    def clean(self):
        try:
            return super().clean()
        except PasswordChecksBusy as busy:
            raise ValidationError(busy.message, code="busy") from busy


class SignInView(LoginView):
    template_name = TEMPLATE
    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "busy"):
            response.status_code = PasswordChecksBusy.status
            response["Retry-After"] = "5"
        return response


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (`AXES_LOCKOUT_CALLABLE`): the sign-in page, saying how long
    to wait, with 429."""
    lockout = lockout_of(request, credentials)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "form": SignInForm(request, initial={"username": username}),
        "lockout": lockout.message(timezone.now()),
        "next": request.POST.get("next", ""),
    }
    response = render(request, TEMPLATE, context, status=429)
    response["Retry-After"] = str(max(1, int((lockout.until - timezone.now()).total_seconds())))
    return response

"""A staff member's own account: the two-step login, the second factor's enrolment,
replacement and recovery codes, the password; and the system admin's reset of
someone else's second factor. The policy and the writes are in ``office.twofactor``."""

from __future__ import annotations

import time
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.core import audit
from aduan.core.models import User

from .. import twofactor
from .common import require_perm


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode verifikasi"),
        max_length=20,
        help_text=gettext_lazy(
            "Enam angka dari aplikasi autentikator, atau salah satu kode cadangan Anda."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class NewDeviceForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode dari aplikasi autentikator"),
        max_length=20,
        help_text=gettext_lazy("Enam angka yang sekarang tampil di aplikasi untuk akun ini."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class ReplaceDeviceForm(NewDeviceForm):
    current_code = forms.CharField(
        label=gettext_lazy("Kode dari perangkat lama"),
        max_length=20,
        help_text=gettext_lazy(
            "Enam angka dari aplikasi yang dipakai selama ini, atau satu kode cadangan."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["current_code", "code"]


class CurrentCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode dari aplikasi autentikator"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


def account_required(view):
    """Logged in with a staff account (a role, or entry to the Django admin)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not twofactor.is_staff_account(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _state(request) -> twofactor.SecondFactor:
    return getattr(request, "second_factor", None) or twofactor.state_of(request.user)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _throttled_message(error: twofactor.Throttled) -> str:
    if error.until is None:
        return _("Terlalu banyak kode yang salah. Tunggu sebentar lalu coba lagi.")
    until = timezone.localtime(error.until).strftime("%H:%M:%S")
    return _("Terlalu banyak kode yang salah. Coba lagi setelah pukul %(t)s.") % {"t": until}


def _check(form, field: str, user, **options):
    """The device that accepts the form's code, or ``None`` with the error on the form."""
    try:
        device = twofactor.check_code(user, form.cleaned_data[field], **options)
    except twofactor.Throttled as error:
        form.add_error(field, _throttled_message(error))
        return None
    if device is None:
        form.add_error(field, _("Kode salah atau sudah pernah dipakai."))
    return device


# --- Login -----------------------------------------------------------------------------


class StaffLoginView(auth_views.LoginView):
    """The password step. A session that owes a second step is sent to it (and can
    reach nothing else: see ``twofactor.StaffSessionMiddleware``)."""

    template_name = "office/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        auth_login(self.request, user)
        self.request.session[twofactor.LAST_SEEN_KEY] = int(time.time())
        if not twofactor.is_staff_account(user):
            return HttpResponseRedirect(self.get_success_url())
        state = twofactor.state_of(user)
        if state.pending:
            return redirect(twofactor.next_step_url(state, self.get_redirect_url()))
        if state.prompt:
            messages.info(
                self.request,
                _(
                    "Lindungi akun Anda dengan verifikasi dua langkah: kata sandi saja "
                    "tidak cukup bila bocor. Aktifkan di halaman Akun."
                ),
            )
        return HttpResponseRedirect(self.get_success_url())


@account_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: a code from the authenticator or one recovery code."""
    state = _state(request)
    next_url = _next_url(request) or resolve_url("office:home")
    if not state.enrolled:
        return redirect(twofactor.next_step_url(state, next_url) if state.required else next_url)
    if state.verified:
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        device = _check(form, "code", request.user) if form.is_valid() else None
        if device is not None:
            twofactor.verified_login(request, device)
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "Anda masuk dengan kode cadangan; tersisa %(n)d. Bila ponsel Anda "
                        "hilang, ganti perangkat di halaman Akun."
                    )
                    % {"n": left},
                )
            return redirect(next_url)
        status = 400
    return render(
        request, "office/2fa_verify.html", {"form": form, "next": next_url}, status=status
    )


# --- Enrolment and changes -------------------------------------------------------------


def _codes_page(request, codes, next_url):
    return render(
        request, "office/2fa_codes.html", {"codes": codes, "next": next_url or ""}, status=200
    )


@account_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """The first authenticator: scan, confirm with its first code, keep the recovery
    codes. Reachable before the second step only while the user has none."""
    state = _state(request)
    next_url = _next_url(request)
    if state.enrolled:
        if state.verified:
            return redirect("office:second_factor_replace")
        return redirect(twofactor.next_step_url(state, next_url))
    device = twofactor.pending_device(request.user)
    form = NewDeviceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            codes = twofactor.confirm_device(request, device, form.cleaned_data["code"])
            if codes is not None:
                return _codes_page(request, codes, next_url)
            form.add_error(
                "code", _("Kode tidak cocok. Periksa jam ponsel lalu coba kode berikutnya.")
            )
        status = 400
    return _device_page(request, device, form, next_url, status=status, replacing=False)


def _device_page(request, device, form, next_url, *, status, replacing):
    return render(
        request,
        "office/2fa_enrol.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_for_manual_entry(device),
            "next": next_url,
            "replacing": replacing,
            "required": _state(request).required,
        },
        status=status,
    )


@account_required
@require_http_methods(["GET", "POST"])
def replace(request):
    """A new phone: a code from the old device (or a recovery code) and one from the
    new; the old device and codes stop working, other sessions end."""
    state = _state(request)
    if not state.enrolled:
        return redirect("office:second_factor_enrol")
    device = twofactor.pending_device(request.user)
    form = ReplaceDeviceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _check(form, "current_code", request.user):
            codes = twofactor.confirm_device(request, device, form.cleaned_data["code"])
            if codes is not None:
                messages.success(
                    request, _("Perangkat baru aktif; perangkat lama tidak berlaku lagi.")
                )
                return _codes_page(request, codes, "")
            form.add_error(
                "code", _("Kode tidak cocok. Periksa jam ponsel lalu coba kode berikutnya.")
            )
        status = 400
    return _device_page(request, device, form, "", status=status, replacing=True)


@account_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Ten new recovery codes for a current authenticator code; the old ones stop working."""
    state = _state(request)
    if not state.enrolled:
        return redirect("office:second_factor_enrol")
    form = CurrentCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _check(form, "code", request.user, allow_recovery=False):
            return _codes_page(request, twofactor.regenerate_recovery_codes(request), "")
        status = 400
    return render(request, "office/2fa_new_codes.html", {"form": form}, status=status)


@account_required
def account(request):
    state = _state(request)
    return render(
        request,
        "office/account.html",
        {
            "state": state,
            "codes_left": twofactor.recovery_codes_left(request.user) if state.enrolled else 0,
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own view: the validators of AUTH_PASSWORD_VALIDATORS, this session kept
    (update_session_auth_hash), every other session of the user ended by the new hash."""

    template_name = "office/password_change.html"
    success_url = reverse_lazy("office:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.Action.PASSWORD_CHANGED, actor=self.request.user)
        messages.success(self.request, _("Kata sandi diganti. Sesi lain akun ini telah berakhir."))
        return response


password_change = account_required(PasswordChangeView.as_view())


# --- The system admin's reset ----------------------------------------------------------


def _staff_accounts():
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(Q(is_staff=True) | ~Q(role=""))
        .annotate(enrolled=Exists(enrolled))
        .select_related("agency")
        .order_by("username")
    )


@account_required
@require_http_methods(["GET"])
def users(request):
    require_perm(request.user, "admin")
    accounts = list(_staff_accounts())
    required = twofactor.required_roles()
    for account in accounts:
        account.second_factor_required = bool(
            account.role in required or account.is_staff or account.is_superuser
        )
    return render(request, "office/2fa_users.html", {"accounts": accounts})


@account_required
@require_POST
def reset(request, pk):
    require_perm(request.user, "admin")
    target = get_object_or_404(_staff_accounts(), pk=pk)
    if target.pk == request.user.pk:
        # One's own device is replaced with a current code, never reset unchecked.
        raise PermissionDenied
    removed = twofactor.reset_second_factor(target, request.user)
    if removed:
        messages.success(
            request,
            _("Verifikasi dua langkah %(u)s diatur ulang; sesinya berakhir.")
            % {"u": target.username},
        )
    else:
        messages.info(
            request, _("%(u)s belum memakai verifikasi dua langkah.") % {"u": target.username}
        )
    return redirect("office:second_factor_users")

"""The city-wide audit log's one writer, and what feeds it.

Everything that leaves a trace calls :func:`record`: logins and logouts (Django's auth
signals, connected in ``CoreConfig.ready``), staff actions on complaints and every view of
a reporter's contact (:func:`on_transition`, the last subscriber of the after-transition
step in :mod:`aduan.core.effects`), exports and downloads of personal data (the views that
return them), admin changes and admin views of personal data (``aduan.core.admin``), and
the second-factor, lockout and data-subject flows.

What a row holds is copied at the time (username, role, agency, complaint code), so the
trace survives renamed or deleted accounts and complaints. It never holds a reporter's
contact or a complaint's text: the log says that someone looked, not what they saw.

The request being served (for the address and the browser of whoever acts) is kept by
:class:`RequestContextMiddleware`, so that writers deep in the lifecycle, which never see
the request, still record where an action came from.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import translation

from .models import AuditEntry, Complaint, Event
from .ratelimit import client_address

Action = AuditEntry.Action

USER_AGENT_LENGTH = AuditEntry._meta.get_field("user_agent").max_length
LABEL_LENGTH = AuditEntry._meta.get_field("actor_label").max_length
DESCRIPTION_LENGTH = AuditEntry._meta.get_field("description").max_length

_current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


class RequestContextMiddleware:
    """Keeps the request being served for :func:`record` calls that are not handed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request():
    return _current_request.get()


def _request_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(
    action: str,
    *,
    actor=None,
    request=None,
    complaint: Complaint | None = None,
    description: str = "",
    **extra,
) -> AuditEntry:
    """Append one audit entry.

    ``actor``: the staff user who acted (default: the request's logged-in user; None for
    an anonymous act such as a failed login, whose ``username`` keyword becomes the
    label). ``request``: where the act came from (default: the request being served).
    ``extra``: JSON-serialisable details; never a reporter's contact or text.
    """
    request = request if request is not None else current_request()
    # A failed or locked login names the account that was tried, never whoever is signed in.
    if actor is None and request is not None and action not in _ABOUT_THE_ACCOUNT_TRIED:
        actor = _request_user(request)
    label = ""
    role = ""
    agency_id = None
    if actor is not None:
        label = actor.get_username()
        role = getattr(actor, "role", "") or ""
        agency_id = getattr(actor, "agency_id", None)
    elif extra.get("username"):
        label = str(extra["username"])
    # The record is in the city's language, whatever the actor reads (pass lazy text).
    with translation.override(settings.LANGUAGE_CODE):
        description = str(description)
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=label[:LABEL_LENGTH],
        actor_role=role,
        agency_id=agency_id,
        complaint=complaint,
        complaint_code=complaint.code if complaint is not None else "",
        description=description[:DESCRIPTION_LENGTH],
        # The same address the login lockout and the rate limits count (ADUAN_PROXY_COUNT).
        ip_address=client_address(request) if request is not None else None,
        user_agent=(
            request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
            if request is not None
            else ""
        ),
        extra=extra,
    )


# -- the after-transition subscriber ----------------------------------------------------


def on_transition(complaint, event) -> None:
    """Mirror every event a staff member caused into the log (the last subscriber).

    Runs inside the event's transaction: the entry commits or rolls back with it. Events
    without a staff actor (the reporter, a channel, the system) are the complaint's own
    history, not staff actions. ``contact_viewed`` rows, written by every "show contact",
    become their own action so they can be reviewed across complaints.
    """
    if event.actor_id is None:
        return
    if event.kind == Event.Kind.CONTACT_VIEWED:
        action = Action.CONTACT_VIEWED
    else:
        action = Action.STAFF_ACTION
    details = {"event": event.pk, "kind": event.kind}
    if event.from_status != event.to_status:
        details.update({"from": event.from_status, "to": event.to_status})
    record(
        action,
        actor=event.actor,
        complaint=complaint,
        description=Event.Kind(event.kind).label,
        **details,
    )


# -- Django's auth signals (connected in CoreConfig.ready) --------------------------------


def _on_login(sender, request, user, **kwargs) -> None:
    record(Action.LOGIN, actor=user, request=request)


def _on_logout(sender, request, user, **kwargs) -> None:
    # ``user`` is None when the session had no logged-in user.
    if user is not None:
        record(Action.LOGOUT, actor=user, request=request)


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; the username stays.
    username = str(credentials.get("username", ""))[:LABEL_LENGTH]
    record(Action.LOGIN_FAILED, request=request, username=username)


_ABOUT_THE_ACCOUNT_TRIED = frozenset({Action.LOGIN_FAILED, Action.LOCKED_OUT})


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record(Action.LOCKED_OUT, request=request, username=str(username or "")[:LABEL_LENGTH])


def connect_signals() -> None:
    # Imported here: axes reads its settings on import.
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="aduan.audit.locked_out")
    user_logged_in.connect(_on_login, dispatch_uid="aduan.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="aduan.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="aduan.audit.login_failed")

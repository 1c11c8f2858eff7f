"""The back office for staff: moderators, agency admins and heads, leaders."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from aduan.core.models import Role
from aduan.core.permissions import visible_complaints


@login_required
def home(request):
    user = request.user
    if not user.role:
        raise PermissionDenied
    complaints = (
        visible_complaints(user)
        .select_related("category", "lead_agency", "kelurahan")
        .order_by("-received_at")[:50]
    )
    return render(
        request,
        "office/home.html",
        {"complaints": complaints, "is_moderator": user.role == Role.MODERATOR},
    )

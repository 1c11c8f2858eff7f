"""Response templates: each agency edits its own (moderators: the Diskominfo desk's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms import ResponseTemplateForm
from ..responses import PLACEHOLDERS, editable_templates, render_text, template_agency
from .common import require_perm, staff_required

# What the preview fills in, so an author sees the result without a real complaint.
SAMPLE = {
    "kode": "ADU-2611-0042",
    "nama_pelapor": "Budi Santoso",
    "kelurahan": "Kauman",
    "tanggal": "5 November 2026",
}


def _agency(user):
    require_perm(user, "edit_templates")
    agency = template_agency(user)
    if agency is None:
        raise PermissionDenied
    return agency


@staff_required
@require_GET
def template_list(request):
    agency = _agency(request.user)
    return render(
        request,
        "office/templates_list.html",
        {"templates": editable_templates(request.user), "agency": agency},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk=None):
    user = request.user
    agency = _agency(user)
    # Another agency's template is "not found", exactly like one that does not exist.
    instance = get_object_or_404(editable_templates(user), pk=pk) if pk else None
    if request.method == "POST":
        form = ResponseTemplateForm(request.POST, instance=instance, agency=agency)
        if form.is_valid():
            template = form.save(commit=False)
            template.agency = agency
            template.updated_by = user
            template.save()
            messages.success(request, _("Templat “%(t)s” tersimpan.") % {"t": template.title})
            return redirect("office:templates")
        status = 400
    else:
        form = ResponseTemplateForm(instance=instance, agency=agency)
        status = 200
    body = form["body"].value() or ""
    preview = render_text(body, {**SAMPLE, "opd": agency.name})
    return render(
        request,
        "office/template_edit.html",
        {
            "form": form,
            "template": instance,
            "agency": agency,
            "preview": preview,
            "placeholders": PLACEHOLDERS,
        },
        status=status,
    )


@staff_required
@require_POST
def template_delete(request, pk):
    user = request.user
    _agency(user)
    template = get_object_or_404(editable_templates(user), pk=pk)
    template.delete()
    messages.success(request, _("Templat “%(t)s” dihapus.") % {"t": template.title})
    return redirect("office:templates")

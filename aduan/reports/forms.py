"""Forms of the report pages: the public feed's filters and a moderator's redaction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.core.models import LISTED_STATUSES, Agency, Category, Kecamatan, Kelurahan, Status


class FeedFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("kata atau kode aduan")}),
    )
    kategori = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Semua kategori"),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Semua kecamatan"),
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Semua kelurahan"),
    )
    opd = forms.ModelChoiceField(
        label=_("OPD"),
        queryset=Agency.objects.filter(is_active=True).order_by("short_name"),
        to_field_name="code",
        required=False,
        empty_label=_("Semua OPD"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status"))]
        + [(s.value, s.label) for s in Status if s in LISTED_STATUSES],
    )

    def active_filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class RedactionForm(forms.Form):
    text = forms.CharField(
        label=_("Teks yang disamarkan"),
        max_length=300,
        help_text=_("Salin persis bagian yang harus hilang dari semua halaman publik."),
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=300,
        help_text=_("Misalnya: nama tetangga, alamat rumah, keterangan kesehatan."),
    )

    def __init__(self, *args, sources=(), existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = [s for s in sources if s]
        self.existing = {e.strip().lower() for e in existing}

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 3:
            raise forms.ValidationError(_("Teks terlalu pendek untuk disamarkan dengan aman."))
        if text.lower() in self.existing:
            raise forms.ValidationError(_("Teks ini sudah disamarkan."))
        if not any(text.lower() in source.lower() for source in self.sources):
            raise forms.ValidationError(
                _("Teks ini tidak ditemukan pada isi, jawaban, atau riwayat publik aduan.")
            )
        return text


class AmendSanctionForm(forms.Form):
    """A leader approves another step than the proposal, and says why."""

    level = forms.ModelChoiceField(
        label=_("Langkah"), queryset=None, to_field_name="code", empty_label=None
    )
    reason = forms.CharField(
        label=_("Alasan perubahan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from .models import SanctionLevel

        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = SanctionLevel.steps.filter(is_active=True)


class ReviewSanctionForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Apakah perbaikan berhasil?"),
        choices=[("1", _("Ya, berhasil")), ("0", _("Tidak berhasil"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImprovementPlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Ringkasan rencana perbaikan"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ImprovementActionForm(forms.Form):
    description = forms.CharField(label=_("Tindakan"), max_length=300, required=False)
    due_date = forms.DateField(
        label=_("Tenggat"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("description")) != bool(data.get("due_date")):
            raise forms.ValidationError(_("Isi tindakan beserta tenggatnya."))
        return data


ImprovementActionFormSet = forms.formset_factory(ImprovementActionForm, extra=4, max_num=20)


def plan_actions(formset) -> list:
    """The ``(description, due_date)`` pairs a valid formset holds, blank rows skipped."""
    return [
        (form.cleaned_data["description"], form.cleaned_data["due_date"])
        for form in formset.forms
        if form.cleaned_data.get("description")
    ]


class MapFilterForm(forms.Form):
    """The public map's filters: a GET form that works the same with or without script."""

    kategori = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Semua kategori"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status"))]
        + [(s.value, s.label) for s in Status if s in LISTED_STATUSES],
    )
    bulan = forms.TypedChoiceField(
        label=_("Periode"),
        required=False,
        coerce=int,
        empty_value=12,
        choices=[(n, _("%(n)s bulan terakhir") % {"n": n}) for n in (3, 6, 12, 24)],
    )

"""Staff forms. Every action form carries the ``version`` of the complaint it was loaded with."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aduan.core.city import current_city
from aduan.core.models import (
    Agency,
    Category,
    Kelurahan,
    Kind,
    Outcome,
    Priority,
    Privacy,
    RejectionReason,
    Role,
    User,
)
from aduan.core.permissions import visible_complaints
from aduan.geo.locate import locate
from aduan.lib.codes import normalize_code
from aduan.portal.forms import CheckedPhotosField

from .models import ResponseTemplate
from .widgets import Select


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.short_name} — {obj.name}"


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.short_name} — {obj.name}"


# Said beside every field whose text a staff member writes, so nobody publishes by
# accident (issue 11): internal unless the form says the reporter and the public read it.
# Which event kinds' notes are published is decided in ``disclosure.CITIZEN_NOTE_KINDS``;
# a test keeps these forms in step with it.
INTERNAL = _(
    "Hanya terlihat oleh petugas; tidak dikirim ke pelapor dan tidak tampil di halaman publik."
)
PUBLIC = _("Dibaca pelapor dan publik: dikirim ke pelapor dan tampil di halaman publik aduan ini.")


def _also(first, then):
    return format_lazy("{} {}", first, then)


def _text(label, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ActionForm(forms.Form):
    """The version the form was rendered with: the lifecycle refuses it if it is stale."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, complaint=None, user=None, **kwargs):
        self.complaint = complaint
        self.user = user
        super().__init__(*args, **kwargs)
        if complaint is not None and not self.is_bound:
            self.fields["version"].initial = complaint.version


class VerifyForm(ActionForm):
    note = _text(_("Catatan internal (opsional)"), rows=2, required=False, help_text=INTERNAL)


class DispatchForm(ActionForm):
    lead = AgencyChoiceField(
        label=_("OPD utama"), queryset=Agency.objects.filter(is_active=True), empty_label="—"
    )
    supporting = AgencyMultipleChoiceField(
        label=_("OPD pendukung"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Centang bila penanganan perlu beberapa OPD. OPD utama menyusun jawaban."),
    )
    note = _text(_("Catatan untuk OPD (opsional)"), rows=2, required=False, help_text=INTERNAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.complaint.category if self.complaint else None
        # Pre-select the category's agencies: most dispatches follow the category.
        if category is not None and not self.is_bound:
            self.fields["lead"].initial = category.agency_id
            self.fields["supporting"].initial = list(
                category.supporting_agencies.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        lead = data.get("lead")
        if lead is not None and data.get("supporting"):
            data["supporting"] = [a for a in data["supporting"] if a.pk != lead.pk]
        return data


class RequestInfoForm(ActionForm):
    question = _text(
        _("Pertanyaan untuk pelapor"),
        rows=3,
        help_text=_also(PUBLIC, _("Tenggat berhenti sampai pelapor menjawab.")),
    )


class RejectForm(ActionForm):
    reason = forms.ModelChoiceField(
        label=_("Alasan penolakan"),
        queryset=RejectionReason.objects.filter(is_active=True),
        empty_label="—",
        help_text=_("Pelapor menerima penjelasan alasan ini beserta rujukannya."),
    )
    note = _text(_("Catatan internal (opsional)"), rows=2, required=False, help_text=INTERNAL)


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("Gabungkan ke aduan (kode)"),
        max_length=30,
        help_text=_("Kode aduan yang tetap berjalan, misalnya ADU-2611-0042."),
    )
    note = _text(_("Catatan internal (opsional)"), rows=2, required=False, help_text=INTERNAL)

    def clean_into(self):
        code = normalize_code(self.cleaned_data["into"])
        target = visible_complaints(self.user).filter(code=code).first() if code else None
        if target is None:
            raise forms.ValidationError(_("Aduan dengan kode ini tidak ditemukan."))
        return target


class AnswerForm(ActionForm):
    answer = _text(_("Jawaban untuk pelapor"), rows=6, help_text=PUBLIC)


class CorrectForm(ActionForm):
    kind = forms.ChoiceField(label=_("Jenis"), choices=Kind.choices)
    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.filter(is_active=True), required=False
    )
    privacy = forms.ChoiceField(label=_("Privasi"), choices=Privacy.choices)
    priority = forms.ChoiceField(label=_("Prioritas"), choices=Priority.choices)
    reason = _text(
        _("Alasan koreksi"),
        rows=2,
        required=False,
        help_text=_also(_("Wajib diisi bila privasi diubah."), INTERNAL),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.complaint
        if c is not None and not self.is_bound:
            for field in ("kind", "privacy", "priority"):
                self.fields[field].initial = getattr(c, field)
            self.fields["category"].initial = c.category_id

    def clean(self):
        data = super().clean()
        c = self.complaint
        changes_privacy = c is not None and data.get("privacy") not in (None, c.privacy)
        if changes_privacy and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Perubahan privasi wajib disertai alasan."))
        return data


class AcknowledgeForm(ActionForm):
    note = _text(_("Catatan untuk pelapor (opsional)"), rows=2, required=False, help_text=PUBLIC)


class UpdateForm(ActionForm):
    note = _text(
        _("Perkembangan untuk pelapor"),
        rows=3,
        help_text=PUBLIC,
    )


class NoteForm(ActionForm):
    note = _text(
        _("Catatan internal"),
        rows=3,
        help_text=INTERNAL,
    )


class ReturnForm(ActionForm):
    reason = _text(
        _("Alasan bukan wewenang"),
        rows=3,
        help_text=_also(_("Aduan kembali ke moderator dengan tanda dikembalikan."), INTERNAL),
    )


class DeferForm(ActionForm):
    year = forms.IntegerField(label=_("Tahun anggaran"))
    plan = _text(_("Rencana tindak lanjut"), rows=3, help_text=PUBLIC)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].widget.attrs.update(min=year, max=year + 5)
        if not self.is_bound:
            self.fields["year"].initial = year + 1


# Each outcome in the words the officer chooses by: what actually happened, not a
# status. The citizen reads the plain phrase of ``aduan.core.outcomes``.
OUTCOME_CHOICES = [
    (Outcome.FIXED, _("Sudah ditangani: masalahnya sudah diperbaiki atau dikerjakan")),
    (Outcome.ANSWERED, _("Dijawab atau dijelaskan: tidak ada pekerjaan di lapangan")),
    (Outcome.REFERRED, _("Dirujuk ke pihak lain di luar pemerintah kota (sebutkan namanya)")),
    (Outcome.PLANNED, _("Direncanakan pada tahun anggaran aduan ini")),
    (Outcome.CANNOT_ACT, _("Tidak dapat ditindaklanjuti (sebutkan alasannya)")),
]
# The outcomes whose ``outcome_note`` the lifecycle requires (``lifecycle.resolve``).
NEEDS_NOTE = (Outcome.REFERRED, Outcome.CANNOT_ACT)


class ResolveForm(ActionForm):
    answer = _text(
        _("Jawaban untuk pelapor"),
        rows=6,
        help_text=_also(_("Jawaban tunggal atas aduan ini."), PUBLIC),
    )
    # No default: a preselected "fixed" would be recorded whenever nobody looked.
    outcome = forms.ChoiceField(
        label=_("Hasil tindak lanjut"),
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "Pilih yang sebenarnya terjadi. Pelapor dan publik membaca hasil ini, dan statistik "
            "menghitung setiap hasil terpisah: rujukan dan penolakan tidak dihitung ditangani."
        ),
        error_messages={"required": _("Pilih hasil tindak lanjut.")},
    )
    outcome_note = forms.CharField(
        label=_("Pihak rujukan atau alasan"),
        required=False,
        max_length=300,
        help_text=_also(
            _(
                "Wajib untuk dua hasil: bila dirujuk, tulis nama instansi tujuan (misalnya "
                "PLN UP3 Malang); bila tidak dapat ditindaklanjuti, tulis alasannya."
            ),
            PUBLIC,
        ),
    )
    internal_note = _text(
        _("Catatan internal (opsional)"), rows=2, required=False, help_text=INTERNAL
    )
    photos = CheckedPhotosField(
        label=_("Foto hasil pekerjaan (opsional)"),
        help_text=_("Paling banyak 5 foto JPG, PNG atau WebP."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        outcome = self.fields["outcome"]
        if self.complaint is not None and self.complaint.budget_year:
            outcome.choices = [
                (value, _("Direncanakan pada tahun anggaran %(year)s") % {"year": self.budget})
                if value == Outcome.PLANNED
                else (value, label)
                for value, label in OUTCOME_CHOICES
            ]
        else:
            # The field still accepts the value so that a stale or hand-made post gets
            # the explanation below rather than "not a valid choice".
            outcome.widget.choices = [c for c in OUTCOME_CHOICES if c[0] != Outcome.PLANNED]
            outcome.help_text = _also(
                outcome.help_text,
                _(
                    "Untuk merencanakan pada tahun anggaran, pakai dulu tindakan "
                    "“Rencanakan pada tahun anggaran”."
                ),
            )
        # Read by aduan/static/aduan/resolve-outcome.js to show the note only when needed.
        outcome.widget.attrs["data-needs-note"] = " ".join(NEEDS_NOTE)

    @property
    def budget(self):
        return self.complaint.budget_year if self.complaint is not None else None

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        note = (data.get("outcome_note") or "").strip()
        data["outcome_note"] = note
        if outcome == Outcome.REFERRED and not note:
            self.add_error("outcome_note", _("Tulis nama instansi atau pihak tujuan rujukan."))
        elif outcome == Outcome.CANNOT_ACT and not note:
            self.add_error("outcome_note", _("Tulis alasan aduan ini tidak dapat ditindaklanjuti."))
        elif outcome == Outcome.PLANNED and not self.budget:
            self.add_error(
                "outcome",
                _(
                    "Aduan ini belum punya tahun anggaran. Rencanakan dulu pada tahun "
                    "anggaran, lalu selesaikan dengan hasil ini."
                ),
            )
        return data


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.get_role_display()})"


class AssignForm(ActionForm):
    officer = OfficerChoiceField(label=_("Petugas"), queryset=User.objects.none(), empty_label="—")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = self.user.agency_id if self.user is not None else None
        self.fields["officer"].queryset = User.objects.filter(
            agency_id=agency_id,
            is_active=True,
            role__in=(Role.ADMIN_OPD, Role.KEPALA_OPD),
        ).order_by("first_name", "username")


class BulkForm(forms.Form):
    """Bulk actions of the queue. ``items`` are ``code:version`` pairs from the checkboxes."""

    DISPATCH, REJECT = "dispatch", "reject"
    action = forms.ChoiceField(
        label=_("Tindakan massal"),
        choices=[(DISPATCH, _("Disposisikan ke satu OPD")), (REJECT, _("Tolak dengan alasan"))],
        widget=Select,
    )
    lead = AgencyChoiceField(
        label=_("OPD tujuan"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label="—",
        widget=Select,
    )
    reason = forms.ModelChoiceField(
        label=_("Alasan penolakan"),
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
        empty_label="—",
        widget=Select,
    )
    note = forms.CharField(
        label=_("Catatan internal (opsional)"), required=False, max_length=500, help_text=INTERNAL
    )

    def __init__(self, data=None, items=()):
        super().__init__(data)
        self.raw_items = list(items)

    def clean(self):
        data = super().clean()
        items = []
        for raw in self.raw_items:
            code, _sep, version = str(raw).rpartition(":")
            if code and version.isdigit():
                items.append((code, int(version)))
        if not items:
            raise forms.ValidationError(_("Pilih minimal satu aduan."))
        if len(items) > 100:
            raise forms.ValidationError(_("Paling banyak 100 aduan sekaligus."))
        data["items"] = items
        if data.get("action") == self.DISPATCH and not data.get("lead"):
            self.add_error("lead", _("Pilih OPD tujuan."))
        if data.get("action") == self.REJECT and not data.get("reason"):
            self.add_error("reason", _("Pilih alasan penolakan."))
        return data


class ResponseTemplateForm(forms.ModelForm):
    class Meta:
        model = ResponseTemplate
        fields = ["title", "category", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "body": _(
                "Tempat isian: {kode}, {nama_pelapor} (kosong untuk aduan anonim), "
                "{kelurahan}, {opd}, {tanggal}."
            )
        }

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = _("Umum (semua kategori)")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        clash = ResponseTemplate.objects.filter(agency=self.agency, title__iexact=title)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Judul ini sudah dipakai templat lain."))
        return title


class LocationForm(ActionForm):
    """Set or correct the pin (and the kelurahan): a correction, no change of status.

    An empty kelurahan follows the pin when boundaries are imported (aduan.geo); a pin
    outside the city is refused as on the filing form.
    """

    latitude = forms.DecimalField(
        label=_("Lintang"),
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-11"),
        max_value=Decimal("6"),
        widget=forms.NumberInput(attrs={"step": "0.000001"}),
    )
    longitude = forms.DecimalField(
        label=_("Bujur"),
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("95"),
        max_value=Decimal("141"),
        widget=forms.NumberInput(attrs={"step": "0.000001"}),
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.select_related("kecamatan").order_by("name"),
        required=False,
        empty_label=_("— ikuti titik —"),
        help_text=_("Kosongkan agar kelurahan dipilih dari titik."),
    )
    reason = _text(_("Alasan koreksi (opsional)"), rows=2, required=False, help_text=INTERNAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.complaint
        if c is not None and not self.is_bound:
            self.fields["latitude"].initial = c.latitude
            self.fields["longitude"].initial = c.longitude

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is None or lon is None:
            return data
        place = locate(lat, lon)
        if place.inside_city is False:
            self.add_error(
                "latitude",
                _("Titik ini berada di luar wilayah %(city)s.") % {"city": current_city().name},
            )
        elif data.get("kelurahan") is None:
            data["kelurahan"] = place.kelurahan
        return data

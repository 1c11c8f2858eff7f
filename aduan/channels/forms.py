"""Staff forms: a complaint taken at the desk, by phone or by letter; a social-media post."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Category, Channel, Kelurahan, Kind, Privacy
from aduan.lib.phones import normalize_phone
from aduan.portal.forms import CheckedPhotosField

from .models import SocialPost

STAFF_CHANNELS = [
    (Channel.WALKIN.value, Channel.WALKIN.label),
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.LETTER.value, Channel.LETTER.label),
]


class _ComplaintFields(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=Kind.choices, initial=Kind.PENGADUAN)
    privacy = forms.ChoiceField(label=_("Privasi"), choices=Privacy.choices, initial=Privacy.PUBLIK)
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.select_related("kecamatan"),
        required=False,
        empty_label=_("— belum diketahui —"),
    )
    address = forms.CharField(label=_("Alamat atau patokan lokasi"), max_length=300, required=False)
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("— pilih nanti —"),
    )


class StaffComplaintForm(_ComplaintFields):
    channel = forms.ChoiceField(label=_("Diterima melalui"), choices=STAFF_CHANNELS)
    text = forms.CharField(
        label=_("Isi aduan"),
        min_length=15,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tulis seperti yang disampaikan warga: apa, di mana, sejak kapan."),
    )
    reporter_name = forms.CharField(label=_("Nama pelapor"), max_length=120, required=False)
    reporter_phone = forms.CharField(label=_("Nomor HP pelapor"), max_length=30, required=False)
    reporter_email = forms.EmailField(label=_("E-mail pelapor"), required=False)
    reference = forms.CharField(
        label=_("Nomor surat / catatan penerimaan"),
        max_length=200,
        required=False,
        help_text=_("Untuk surat: nomor dan tanggal surat. Untuk telepon: jam panggilan."),
    )
    photos = CheckedPhotosField(label=_("Foto atau pindaian surat"))

    def clean_reporter_phone(self):
        raw = self.cleaned_data.get("reporter_phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Nomor HP tidak valid. Contoh: 0812 3456 7890.")
            ) from None

    def clean(self):
        data = super().clean()
        if data.get("privacy") != Privacy.ANONIM and not (data.get("reporter_name") or "").strip():
            self.add_error("reporter_name", _("Nama wajib diisi, kecuali aduan anonim."))
        return data


class SocialPostForm(_ComplaintFields):
    platform = forms.ChoiceField(label=_("Platform"), choices=SocialPost.Platform.choices)
    author_handle = forms.CharField(
        label=_("Akun penulis"), max_length=120, help_text=_("Misalnya @warga_malang.")
    )
    url = forms.URLField(label=_("Tautan unggahan"), max_length=500, assume_scheme="https")
    text = forms.CharField(
        label=_("Isi unggahan"),
        min_length=15,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_author_handle(self):
        handle = self.cleaned_data["author_handle"].strip()
        return handle if handle.startswith("@") or " " in handle else f"@{handle}"

    def clean_url(self):
        url = self.cleaned_data["url"]
        existing = SocialPost.objects.filter(url=url).select_related("complaint").first()
        if existing is not None:
            raise forms.ValidationError(
                _("Unggahan ini sudah diimpor sebagai aduan %(code)s.")
                % {"code": existing.complaint.code}
            )
        return url

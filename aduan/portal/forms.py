"""Citizen forms. Every field a citizen typed comes back on a validation error."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Category, Kelurahan, Kind, Privacy
from aduan.lib.images import ImageRejected, clean_image
from aduan.lib.phones import normalize_phone

PRIVACY_HELP = {
    Privacy.PUBLIK: _(
        "Isi aduan dan jawabannya tampil di situs publik. Nama Anda tidak ditampilkan; "
        "nomor telepon, NIK dan data pribadi lain disamarkan."
    ),
    Privacy.ANONIM: _(
        "Isi aduan tampil di situs publik, tetapi tidak ada yang tahu siapa Anda: "
        "OPD dan publik tidak melihat nama maupun kontak Anda. Kontak boleh dikosongkan."
    ),
    Privacy.RAHASIA: _(
        "Tidak ada bagian aduan yang tampil di situs publik. Hanya petugas yang menangani "
        "yang dapat membacanya. Cocok untuk laporan yang menyangkut diri Anda."
    ),
}

KIND_HELP = {
    Kind.PENGADUAN: _("Ada masalah yang perlu ditangani, misalnya jalan rusak atau sampah."),
    Kind.ASPIRASI: _("Usulan atau saran untuk perbaikan layanan kota."),
    Kind.INFORMASI: _("Pertanyaan tentang layanan, misalnya jam buka atau persyaratan."),
    Kind.APRESIASI: _("Ucapan terima kasih atas layanan yang baik."),
}


def normalize_submission_key(raw) -> str:
    """The form's idempotency key: a uuid hex, or a fresh one if tampered with."""
    try:
        return uuid.UUID(hex=str(raw or "")).hex
    except ValueError:
        return uuid.uuid4().hex


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    # ``accept`` lets a phone offer its camera and gallery instead of a file browser.
    widget = MultipleFileInput(attrs={"accept": "image/*"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


def clean_photo_uploads(files, *, limit: int | None = None) -> list:
    """Check uploaded photos (count, then each with Pillow); the first refusal is the error."""
    limit = settings.ADUAN_MAX_PHOTOS if limit is None else limit
    if len(files) > limit:
        raise forms.ValidationError(_("Paling banyak %(n)s foto.") % {"n": limit})
    cleaned = []
    for upload in files:
        try:
            cleaned.append(clean_image(upload.read(), max_bytes=settings.ADUAN_MAX_PHOTO_BYTES))
        except ImageRejected as exc:
            raise forms.ValidationError(f"{upload.name}: {exc.message}") from None
    return cleaned


class CheckedPhotosField(PhotosField):
    """Photos checked and cleaned by the field itself: ``cleaned_data`` holds CleanImages."""

    def clean(self, data, initial=None):
        return clean_photo_uploads(super().clean(data, initial))


class KelurahanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def grouped_kelurahan_choices():
    groups: dict[str, list] = {}
    for kel in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        groups.setdefault(f"Kec. {kel.kecamatan.name}", []).append((kel.pk, kel.name))
    return [("", _("— pilih kelurahan —")), *list(groups.items())]


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis"), choices=Kind.choices, initial=Kind.PENGADUAN, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Apa yang ingin Anda sampaikan?"),
        min_length=15,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ceritakan apa, di mana dan sejak kapan. Minimal 15 huruf."),
        error_messages={
            "required": _("Isi aduan wajib diisi."),
            "min_length": _("Isi aduan terlalu pendek: tulis minimal 15 huruf."),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Kategori (boleh dikosongkan)"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        # Short enough not to be cut off in a select box on a 360 px phone.
        empty_label=_("— tidak tahu —"),
        help_text=_("Bila ragu, biarkan kosong: petugas yang akan memilihkan."),
    )
    kelurahan = KelurahanChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.select_related("kecamatan"),
        error_messages={"required": _("Pilih kelurahan lokasi masalah.")},
    )
    address = forms.CharField(
        label=_("Alamat atau patokan lokasi"),
        max_length=300,
        required=False,
        help_text=_("Misalnya: Jl. Soekarno-Hatta depan Indomaret, RT 03/RW 05."),
    )
    latitude = forms.DecimalField(
        label=_("Lintang"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-11"),
        max_value=Decimal("6"),
    )
    longitude = forms.DecimalField(
        label=_("Bujur"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("95"),
        max_value=Decimal("141"),
    )
    photos = PhotosField(
        label=_("Foto (maksimal 5)"),
        help_text=_("JPG, PNG atau WebP, paling besar 8 MB per foto. Lokasi GPS di foto dihapus."),
    )
    privacy = forms.ChoiceField(
        label=_("Siapa yang boleh melihat aduan ini?"),
        choices=Privacy.choices,
        initial=Privacy.PUBLIK,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(
        label=_("Nama"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    reporter_phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=30,
        required=False,
        # type=tel brings up the phone keypad; the value is still normalised here.
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Kode aduan dan perkembangannya dikirim lewat SMS ke nomor ini."),
    )
    reporter_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Alamat e-mail tidak valid, contoh: nama@contoh.id.")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, stashed_photos=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = grouped_kelurahan_choices()
        self.stashed_photos = stashed_photos
        self.valid_photos: list = []
        if not self.is_bound or not self.data.get("submission_key"):
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    def clean_submission_key(self):
        return normalize_submission_key(self.cleaned_data.get("submission_key"))

    def clean_reporter_phone(self):
        raw = self.cleaned_data.get("reporter_phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Nomor HP tidak valid. Contoh yang benar: 0812 3456 7890.")
            ) from None

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        limit = settings.ADUAN_MAX_PHOTOS - self.stashed_photos
        if len(files) > limit:
            raise forms.ValidationError(
                _("Paling banyak %(n)s foto per aduan.") % {"n": settings.ADUAN_MAX_PHOTOS}
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_image(upload.read(), max_bytes=settings.ADUAN_MAX_PHOTO_BYTES))
            except ImageRejected as exc:
                errors.append(f"{upload.name}: {exc.message}")
        # Good photos are kept even when another one is refused.
        self.valid_photos = cleaned
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    def clean(self):
        data = super().clean()
        if data.get("privacy") != Privacy.ANONIM:
            if not (data.get("reporter_name") or "").strip():
                self.add_error(
                    "reporter_name",
                    _("Nama wajib diisi, kecuali Anda memilih aduan anonim."),
                )
            if (
                not data.get("reporter_phone")
                and not data.get("reporter_email")
                and ("reporter_phone" not in self.errors and "reporter_email" not in self.errors)
            ):
                self.add_error(
                    "reporter_phone",
                    _(
                        "Isi nomor HP atau e-mail agar kami dapat mengabari Anda, "
                        "kecuali Anda memilih aduan anonim."
                    ),
                )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude", _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya.")
            )
        return data


class TrackForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode aduan"),
        max_length=30,
        help_text=_("Contoh: ADU-2611-0042"),
        error_messages={"required": _("Masukkan kode aduan Anda.")},
    )


class InfoForm(forms.Form):
    text = forms.CharField(
        label=_("Informasi tambahan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tulis informasi yang diminta petugas.")},
    )
    photos = CheckedPhotosField(label=_("Foto (boleh dikosongkan)"))


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Mengapa masalahnya belum selesai?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Jelaskan mengapa jawaban belum menyelesaikan masalah.")},
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Seberapa puas Anda?"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih nilai 1 sampai 5."),
            "invalid_choice": _("Pilih nilai 1 sampai 5."),
        },
    )
    comment = forms.CharField(
        label=_("Komentar (boleh dikosongkan)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

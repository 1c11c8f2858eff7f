"""Citizen forms. Every field a citizen typed comes back on a validation error."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.core import intake
from aduan.core.city import current_city
from aduan.core.models import Category, Channel, Kelurahan, Kind, Privacy
from aduan.geo.locate import locate
from aduan.lib.images import ImageRejected, clean_image

from . import stash

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
    """Check uploaded photos added to a complaint (the intake's photo rules)."""
    try:
        return intake.clean_photos(files, limit=limit)
    except intake.IntakeErrors as exc:
        raise forms.ValidationError([e.message for e in exc]) from None


class CheckedPhotosField(PhotosField):
    """Photos checked and cleaned by the field itself: ``cleaned_data`` holds CleanImages."""

    def clean(self, data, initial=None):
        return clean_photo_uploads(super().clean(data, initial))


class IntakeField(forms.CharField):
    """A field of a new complaint that only reads and renders: ``core.intake`` checks it.

    ``required`` marks the label only; forms set it from the channel's rules
    (``Rules.always_required``), so the asterisk and the check cannot disagree.
    ``max_length`` only tells the browser.
    """

    def __init__(self, *, max_length=None, widget=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=max_length, widget=widget, **kwargs)
        # Lengths and NUL characters are the intake's, with its messages.
        self.validators = []

    def validate(self, value):
        pass


class IntakeForm(forms.Form):
    """A form for a new complaint whose checking is :func:`aduan.core.intake.check`.

    Subclasses name their ``intake_channel`` (for the required marks) and map their data to a
    :class:`~aduan.core.intake.Submission` in ``submission``; ``clean`` checks it and puts
    each error on the form field of the same name (``intake_fields`` maps the others), so
    the error summary links to the right field. A valid form holds the result in
    ``checked``; an invalid one the photos that passed in ``valid_photos``.
    """

    intake_channel: str = ""
    intake_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked: intake.CheckedSubmission | None = None
        self.valid_photos: list = []
        for name in intake.rules_for(self.intake_channel).always_required:
            if name in self.fields:
                self.fields[name].required = True

    def submission(self, data: dict) -> intake.Submission:
        raise NotImplementedError

    def checked_channel(self, data: dict) -> str:
        return self.intake_channel

    def clean(self):
        data = super().clean()
        try:
            self.checked = intake.check(self.submission(data), channel=self.checked_channel(data))
        except intake.IntakeErrors as exc:
            self.valid_photos = exc.photos
            for error in exc:
                name = self.intake_fields.get(error.field, error.field)
                self.add_error(name if name in self.fields else None, error.message)
        return data


def kelurahan_choices(empty_label) -> list:
    """Kelurahan by primary key, grouped under their kecamatan, for a ``<select>``."""
    groups: dict[str, list] = {}
    for kel in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        groups.setdefault(f"Kec. {kel.kecamatan.name}", []).append((kel.pk, kel.name))
    return [("", empty_label), *list(groups.items())]


def grouped_kelurahan_choices():
    return kelurahan_choices(_("— pilih kelurahan —"))


def category_choices(empty_label) -> list:
    """Active categories by primary key, the ones a new complaint may take."""
    active = Category.objects.filter(is_active=True).order_by("name")
    return [("", empty_label), *((c.pk, c.name) for c in active)]


def coordinate_input(bounds) -> forms.NumberInput:
    low, high = bounds
    return forms.NumberInput(attrs={"step": "0.000001", "min": str(low), "max": str(high)})


class ComplaintForm(IntakeForm):
    intake_channel = Channel.WEB

    kind = IntakeField(
        label=_("Jenis"),
        initial=Kind.PENGADUAN,
        widget=forms.RadioSelect(choices=Kind.choices),
    )
    text = IntakeField(
        label=_("Apa yang ingin Anda sampaikan?"),
        max_length=intake.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ceritakan apa, di mana dan sejak kapan. Minimal 15 huruf."),
    )
    category = IntakeField(
        label=_("Kategori (boleh dikosongkan)"),
        widget=forms.Select,
        help_text=_("Bila ragu, biarkan kosong: petugas yang akan memilihkan."),
    )
    kelurahan = IntakeField(label=_("Kelurahan"), widget=forms.Select)
    address = IntakeField(
        label=_("Alamat atau patokan lokasi"),
        max_length=intake.MAX_ADDRESS,
        help_text=_("Misalnya: Jl. Soekarno-Hatta depan Indomaret, RT 03/RW 05."),
    )
    latitude = IntakeField(label=_("Lintang"), widget=coordinate_input(intake.LATITUDE_RANGE))
    longitude = IntakeField(label=_("Bujur"), widget=coordinate_input(intake.LONGITUDE_RANGE))
    photos = PhotosField(
        label=_("Foto (maksimal 5)"),
        help_text=_("JPG, PNG atau WebP, paling besar 8 MB per foto. Lokasi GPS di foto dihapus."),
    )
    privacy = IntakeField(
        label=_("Siapa yang boleh melihat aduan ini?"),
        initial=Privacy.PUBLIK,
        widget=forms.RadioSelect(choices=Privacy.choices),
    )
    reporter_name = IntakeField(
        label=_("Nama"),
        max_length=intake.MAX_NAME,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    reporter_phone = IntakeField(
        label=_("Nomor HP"),
        max_length=intake.MAX_PHONE_INPUT,
        # type=tel brings up the phone keypad; the value is still normalised by the intake.
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Kode aduan dan perkembangannya dikirim lewat SMS ke nomor ini."),
    )
    reporter_email = IntakeField(
        label=_("E-mail"),
        max_length=intake.MAX_EMAIL,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kept_photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].widget.choices = grouped_kelurahan_choices()
        # Short enough not to be cut off in a select box on a 360 px phone.
        self.fields["category"].widget.choices = category_choices(_("— tidak tahu —"))
        # Photos that passed an earlier attempt of this submission: counted and filed too.
        self.kept_photos = list(kept_photos)
        self.stashed_photos = len(self.kept_photos)
        if not self.is_bound or not self.data.get("submission_key"):
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    def photos_with_kept(self, data) -> list:
        """The kept photos, then this request's uploads minus those already kept (by
        content: the same file re-encodes to the same bytes). New uploads are cleaned
        here, once: the intake takes a cleaned photo as it is."""
        self.precleaned = []
        uploads = list(data.get("photos") or [])
        kept = list(self.kept_photos)
        if not kept or not uploads or len(kept) + len(uploads) > settings.ADUAN_MAX_PHOTOS:
            return [*kept, *uploads]  # nothing to compare, or the intake refuses the count
        marks = {stash.fingerprint(p) for p in kept}
        result = kept
        for upload in uploads:
            try:
                photo = clean_image(upload.read(), max_bytes=settings.ADUAN_MAX_PHOTO_BYTES)
            except ImageRejected:
                upload.seek(0)
                result.append(upload)  # the intake refuses it, with its message
                continue
            if stash.fingerprint(photo) not in marks:
                marks.add(stash.fingerprint(photo))
                result.append(photo)
                self.precleaned.append(photo)
        return result

    @property
    def valid_photos(self) -> list:
        # Photos cleaned here, not by the intake, are kept for the next attempt too.
        return [*getattr(self, "precleaned", []), *self._valid_photos]

    @valid_photos.setter
    def valid_photos(self, value) -> None:
        self._valid_photos = value

    def clean_submission_key(self):
        return normalize_submission_key(self.cleaned_data.get("submission_key"))

    def clean(self):
        self._place_pin(self.cleaned_data)
        return super().clean()

    def _place_pin(self, data: dict) -> None:
        """A pin chooses the kelurahan when the citizen chose none (their choice wins
        otherwise: they can correct the map's guess); a pin outside the city is refused.

        Coordinates that are not numbers or out of range are left to the intake's checks.
        """
        try:
            lat = Decimal(str(data.get("latitude") or "").strip())
            lon = Decimal(str(data.get("longitude") or "").strip())
        except InvalidOperation:
            return
        low_lat, high_lat = intake.LATITUDE_RANGE
        low_lon, high_lon = intake.LONGITUDE_RANGE
        if not (lat.is_finite() and lon.is_finite()):
            return
        if not (low_lat <= lat <= high_lat and low_lon <= lon <= high_lon):
            return
        place = locate(lat, lon)
        if place.inside_city is False:
            self.add_error(
                "latitude",
                _(
                    "Titik lokasi berada di luar wilayah %(city)s. Pindahkan penanda ke "
                    "lokasi masalah, atau kosongkan titik lokasi dan pilih kelurahannya."
                )
                % {"city": current_city().name},
            )
        elif place.kelurahan is not None and not data.get("kelurahan"):
            data["kelurahan"] = str(place.kelurahan.pk)
            # Shown chosen if the form comes back with another error.
            self.data = self.data.copy()
            self.data[self.add_prefix("kelurahan")] = data["kelurahan"]

    def submission(self, data):
        return intake.Submission(
            text=data.get("text"),
            kind=data.get("kind"),
            privacy=data.get("privacy"),
            kelurahan=data.get("kelurahan"),
            category=data.get("category"),
            address=data.get("address"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            reporter_name=data.get("reporter_name"),
            reporter_phone=data.get("reporter_phone"),
            reporter_email=data.get("reporter_email"),
            # The kept photos count once even when the citizen chooses them again.
            photos=self.photos_with_kept(data),
            lookup="pk",
        )


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
        error_messages={"required": _("Tulis informasi tambahan Anda.")},
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


class NoticeForm(forms.Form):
    both_channels = forms.BooleanField(
        label=_("Kirim kabar ke nomor HP dan e-mail saya"),
        required=False,
        help_text=_("Tanpa centang, kabar hanya dikirim lewat satu jalur."),
    )


class RecoveryForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode aduan"),
        max_length=30,
        help_text=_("Contoh: ADU-2611-0042"),
        error_messages={"required": _("Masukkan kode aduan Anda.")},
    )
    kontak = forms.CharField(
        label=_("Nomor HP atau e-mail yang Anda cantumkan"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Masukkan nomor HP atau e-mail Anda.")},
    )

    def clean_kontak(self):
        from .recovery import parse_contact

        contact = parse_contact(self.cleaned_data["kontak"])
        if contact is None:
            raise forms.ValidationError(
                _("Tuliskan nomor HP (misalnya 0812 3456 7890) atau alamat e-mail yang benar.")
            )
        return contact


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        error_messages={"required": _("Masukkan kode yang kami kirim.")},
    )


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail Anda"),
        max_length=200,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Masukkan alamat e-mail."),
            "invalid": _("Alamat e-mail tidak valid."),
        },
    )
    aduan = forms.CharField(required=False, widget=forms.HiddenInput)
    kelurahan = forms.TypedChoiceField(
        label=_("Kelurahan"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = grouped_kelurahan_choices()

    def clean(self):
        data = super().clean()
        if not data.get("aduan") and not data.get("kelurahan"):
            self.add_error("kelurahan", _("Pilih kelurahan yang ingin Anda ikuti."))
        return data

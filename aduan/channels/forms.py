"""Staff forms: a complaint taken at the desk, by phone or by letter; a social-media post."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.core import intake
from aduan.core.models import Channel, Kind, Privacy
from aduan.portal.forms import (
    IntakeField,
    IntakeForm,
    PhotosField,
    category_choices,
    kelurahan_choices,
)

from .models import SocialPost

STAFF_CHANNELS = [
    (Channel.WALKIN.value, Channel.WALKIN.label),
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.LETTER.value, Channel.LETTER.label),
]


class _ComplaintFields(IntakeForm):
    """The fields every staff entry shares; ``core.intake`` checks them."""

    kind = IntakeField(
        label=_("Jenis"), initial=Kind.PENGADUAN, widget=forms.Select(choices=Kind.choices)
    )
    privacy = IntakeField(
        label=_("Privasi"), initial=Privacy.PUBLIK, widget=forms.Select(choices=Privacy.choices)
    )
    kelurahan = IntakeField(label=_("Kelurahan"), widget=forms.Select)
    address = IntakeField(label=_("Alamat atau patokan lokasi"), max_length=intake.MAX_ADDRESS)
    category = IntakeField(label=_("Kategori"), widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].widget.choices = kelurahan_choices(_("— belum diketahui —"))
        self.fields["category"].widget.choices = category_choices(_("— pilih nanti —"))

    def _shared(self, data) -> dict:
        return {
            "text": data.get("text"),
            "kind": data.get("kind"),
            "privacy": data.get("privacy"),
            "kelurahan": data.get("kelurahan"),
            "category": data.get("category"),
            "address": data.get("address"),
            "lookup": "pk",
        }


class StaffComplaintForm(_ComplaintFields):
    # Walk-in, phone and letter share one row of rules (``intake.STAFF_ENTRY``).
    intake_channel = Channel.WALKIN

    channel = forms.ChoiceField(label=_("Diterima melalui"), choices=STAFF_CHANNELS)
    text = IntakeField(
        label=_("Isi aduan"),
        max_length=intake.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tulis seperti yang disampaikan warga: apa, di mana, sejak kapan."),
    )
    reporter_name = IntakeField(label=_("Nama pelapor"), max_length=intake.MAX_NAME)
    reporter_phone = IntakeField(label=_("Nomor HP pelapor"), max_length=intake.MAX_PHONE_INPUT)
    reporter_email = IntakeField(
        label=_("E-mail pelapor"), max_length=intake.MAX_EMAIL, widget=forms.EmailInput
    )
    reference = forms.CharField(
        label=_("Nomor surat / catatan penerimaan"),
        max_length=200,
        required=False,
        help_text=_("Untuk surat: nomor dan tanggal surat. Untuk telepon: jam panggilan."),
    )
    photos = PhotosField(label=_("Foto atau pindaian surat"))

    def checked_channel(self, data):
        # An unknown channel is the field's own error; the rest is still checked.
        return data.get("channel") or self.intake_channel

    def submission(self, data):
        return intake.Submission(
            **self._shared(data),
            reporter_name=data.get("reporter_name"),
            reporter_phone=data.get("reporter_phone"),
            reporter_email=data.get("reporter_email"),
            photos=data.get("photos") or [],
        )


class SocialPostForm(_ComplaintFields):
    intake_channel = Channel.SOCIAL
    # The author's handle is the reporter: its problems are shown on the handle.
    intake_fields = {"reporter_name": "author_handle", "reporter_handle": "author_handle"}

    platform = forms.ChoiceField(label=_("Platform"), choices=SocialPost.Platform.choices)
    author_handle = forms.CharField(
        label=_("Akun penulis"),
        max_length=intake.MAX_HANDLE,
        help_text=_("Misalnya @warga_malang."),
    )
    url = forms.URLField(label=_("Tautan unggahan"), max_length=500, assume_scheme="https")
    text = IntakeField(
        label=_("Isi unggahan"),
        max_length=intake.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def submission(self, data):
        handle = data.get("author_handle") or ""
        return intake.Submission(**self._shared(data), reporter_name=handle, reporter_handle=handle)

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

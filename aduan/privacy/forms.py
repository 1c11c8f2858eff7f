from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import InvalidContact, parse_contact


class ContactForm(forms.Form):
    contact = forms.CharField(
        label=_("Nomor HP atau alamat e-mail"),
        max_length=200,
        help_text=_("Yang Anda cantumkan saat menyampaikan aduan, misalnya 0812 3456 7890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel email", "inputmode": "email"}),
    )

    def clean_contact(self):
        try:
            return parse_contact(self.cleaned_data["contact"])
        except InvalidContact:
            raise forms.ValidationError(
                _("Tuliskan nomor HP (misalnya 0812 3456 7890) atau alamat e-mail yang benar.")
            ) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode verifikasi"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class ErasureForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk petugas (boleh dikosongkan)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    anonymise_open = forms.BooleanField(
        label=_("Hapus juga dari aduan yang masih berjalan, sekarang"),
        required=False,
        help_text=_(
            "Biasanya tidak dicentang: kontak masih diperlukan untuk menyampaikan jawaban, "
            "dan data dihapus otomatis begitu aduan ditutup."
        ),
    )
    note = forms.CharField(
        label=_("Alasan (wajib bila dicentang)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(forms.Form):
    note = forms.CharField(
        label=_("Alasan penolakan (dikirim kepada warga)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Agency, Category


class ReviewForm(forms.Form):
    """A moderator's verdict on one automatic dispatch: confirm it, or name what is right."""

    CONFIRM, CORRECT = "confirm", "correct"

    verdict = forms.ChoiceField(choices=[(CONFIRM, _("Benar")), (CORRECT, _("Koreksi"))])
    agency = forms.ModelChoiceField(
        label=_("OPD yang tepat"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Kategori yang tepat"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("verdict") == self.CORRECT and not (data.get("agency") or data.get("category")):
            raise forms.ValidationError(_("Pilih OPD atau kategori yang tepat."))
        if data.get("verdict") == self.CONFIRM:
            data["agency"] = data["category"] = None
        return data


class GatherForm(forms.Form):
    survivor = forms.CharField(label=_("Aduan utama"), max_length=20)


class DispatchEventForm(forms.Form):
    """Gather a mass event into one complaint and dispatch that one, in one action."""

    survivor = forms.CharField(label=_("Aduan utama"), max_length=20)
    lead = forms.ModelChoiceField(
        label=_("OPD utama"), queryset=Agency.objects.filter(is_active=True), empty_label="—"
    )

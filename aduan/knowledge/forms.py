from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import writable_agencies
from .models import Article

# A new article is due for review after half a year unless its author says otherwise:
# service hours and fees change with each regulation and budget year.
DEFAULT_REVIEW_DAYS = 182


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["agency", "topic", "title", "questions", "answer", "review_by", "is_published"]
        widgets = {
            "questions": forms.Textarea(attrs={"rows": 4}),
            "answer": forms.Textarea(attrs={"rows": 8}),
            "review_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = writable_agencies(user)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].empty_label = None
        if not self.instance.pk and "review_by" not in self.initial:
            self.initial["review_by"] = timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)
        if user.is_agency_staff:
            # Agency staff write for their own agency only; the field shows no choice.
            self.fields["agency"].disabled = True
            self.initial["agency"] = user.agency_id

    def clean_review_by(self):
        value = self.cleaned_data["review_by"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Tanggal tinjau tidak boleh sudah lewat."))
        return value


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=200)
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)
    topic = forms.CharField(required=False, widget=forms.HiddenInput)

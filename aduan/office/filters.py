"""The filter bar of the staff lists (queue, inbox, overview) and the list orderings."""

from __future__ import annotations

from django import forms
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Subquery
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from aduan.core.models import (
    Agency,
    Category,
    Channel,
    Complaint,
    Kecamatan,
    Kelurahan,
    Kind,
    Status,
    text_search,
)
from aduan.lib.codes import normalize_code

from .paging import Key
from .widgets import Select

# Nearest deadline first; complaints without a running clock after them, oldest first.
BY_DEADLINE = (Key("due_at", nullable=True), Key("received_at"), Key("id"))
NEWEST_FIRST = (Key("received_at", descending=True), Key("id", descending=True))


def _blank(label):
    return [("", label)]


class FilterForm(forms.Form):
    """GET filters. Every field is optional; an invalid value is simply ignored."""

    q = forms.CharField(label=_("Cari kode atau isi"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=Select)
    channel = forms.ChoiceField(
        label=_("Kanal"),
        required=False,
        choices=_blank(_("Semua kanal")) + Channel.choices,
        widget=Select,
    )
    kind = forms.ChoiceField(
        label=_("Jenis"),
        required=False,
        choices=_blank(_("Semua jenis")) + Kind.choices,
        widget=Select,
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Semua kategori"),
        widget=Select,
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        required=False,
        queryset=Kecamatan.objects.all(),
        empty_label=_("Semua kecamatan"),
        widget=Select,
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        required=False,
        queryset=Kelurahan.objects.select_related("kecamatan"),
        empty_label=_("Semua kelurahan"),
        widget=Select,
    )
    agency = forms.ModelChoiceField(
        label=_("OPD"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        empty_label=_("Semua OPD"),
        widget=Select,
    )
    returned = forms.BooleanField(label=_("Hanya yang dikembalikan OPD"), required=False)
    # Inbox only; applied by the inbox view, which knows the user's agency.
    role = forms.ChoiceField(
        label=_("Peran OPD"),
        required=False,
        choices=[
            ("", _("Utama dan pendukung")),
            ("lead", _("OPD utama")),
            ("supporting", _("OPD pendukung")),
        ],
        widget=Select,
    )
    mine = forms.BooleanField(label=_("Hanya yang ditugaskan ke saya"), required=False)

    def __init__(
        self,
        data=None,
        *,
        statuses,
        default_statuses=None,
        omit=("role", "mine"),
        agency_by_category=False,
    ):
        """``statuses``: what may be chosen; ``default_statuses``: shown when none is chosen.

        ``agency_by_category``: in the queue nothing is dispatched yet, so
        "agency" also means "the agency responsible for the category".
        """
        super().__init__(data)
        self.agency_by_category = agency_by_category
        self.statuses = frozenset(statuses)
        self.default_statuses = frozenset(default_statuses or statuses)
        everything = _("Semua status") if self.default_statuses == self.statuses else _("Aktif")
        self.fields["status"].choices = _blank(everything) + [
            (s.value, s.label) for s in Status if s in self.statuses
        ]
        for name in omit:
            del self.fields[name]

    @property
    def values(self) -> dict:
        """The valid, non-empty filters (invalid ones are dropped, never fatal)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}

    def filter(self, queryset):
        data = self.values
        status = data.get("status")
        if status in self.statuses:
            queryset = queryset.filter(status=status)
        elif self.default_statuses != frozenset(Status):
            # "Every status" adds no condition: an IN over all of them would only
            # keep the planner from walking the received_at order directly.
            queryset = queryset.filter(status__in=self.default_statuses)
        if data.get("returned"):
            queryset = queryset.filter(returned=True)
        for field in ("channel", "kind", "category", "kecamatan", "kelurahan"):
            if field in data:
                queryset = queryset.filter(**{field: data[field]})
        if "agency" in data:
            agency = involving(data["agency"])
            if self.agency_by_category:
                agency |= Q(category__agency=data["agency"])
            queryset = queryset.filter(agency)
        if "q" in data:
            queryset = queryset.filter(search(data["q"]))
        return queryset

    def querystring(self) -> str:
        """The current filters as a query string, for the pagination links."""
        if not self.is_bound:
            return ""
        qs = QueryDict(mutable=True)
        for name in self.fields:
            value = self.data.get(name)
            if value:
                qs[name] = value
        return qs.urlencode()


def involving(agency) -> Q:
    """Complaints with ``agency`` as lead or supporting agency.

    Never a join: a join plus DISTINCT breaks the keyset ordering and multiplies rows.
    On PostgreSQL the supporting side is ``id = ANY(ARRAY(SELECT complaint_id ...))``,
    which the planner evaluates once and ORs with the lead side as two bitmap index
    scans (``complaint_agency_status`` and the primary key). A correlated EXISTS in the
    OR forbids that: PostgreSQL then reads every complaint in the list's statuses and
    tests each (at a million complaints, the busiest agency's inbox: 130 ms reading
    33,000 rows for 9,000, against about 20 ms). Elsewhere the EXISTS stays.
    """
    through = Complaint.supporting_agencies.through
    if connection.vendor == "postgresql":
        supported = through.objects.filter(agency=agency).values("complaint_id")
        return Q(lead_agency=agency) | Q(_AnyOf(F("pk"), Subquery(supported)))
    supporting = through.objects.filter(complaint_id=OuterRef("pk"), agency=agency)
    return Q(lead_agency=agency) | Q(Exists(supporting))


class _AnyOf(Func):
    """``expression = ANY(ARRAY(subquery))`` (PostgreSQL): the subquery runs once, and
    the comparison can use an index."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra_context):
        expression, subquery = self.get_source_expressions()
        lhs, lhs_params = compiler.compile(expression)
        rhs, rhs_params = compiler.compile(subquery)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def search(text: str) -> Q:
    code = normalize_code(text)
    if code:
        return Q(code=code)
    text = text.strip()
    # PostgreSQL: full-text search through its GIN index; SQLite: a substring match.
    return text_search(text) or Q(code__icontains=text) | Q(text__icontains=text)

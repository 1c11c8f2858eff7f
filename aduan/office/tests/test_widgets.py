"""office.widgets.Select writes what Django's select templates write, byte for byte."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from aduan.core.models import MODERATOR_STATUSES, Status
from aduan.office.filters import FilterForm
from aduan.office.forms import BulkForm
from aduan.office.widgets import Select

pytestmark = pytest.mark.django_db


def template_html(bound) -> str:
    """The same field rendered through Django's own templates."""
    widget = forms.Select(attrs=bound.field.widget.attrs, choices=bound.field.widget.choices)
    return bound.as_widget(widget=widget)


def fields(form):
    return [f for f in form if isinstance(f.field.widget, Select)]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "baru", "channel": "web", "kind": "x-invalid", "q": "jalan"},
        {"status": "nonsense", "category": "999999", "kelurahan": "<b>&'\""},
    ],
)
def test_filter_bar_unchanged(city, data):
    for form in (
        FilterForm(data, statuses=MODERATOR_STATUSES, agency_by_category=True),
        FilterForm(data, statuses=frozenset(Status)),
        FilterForm(data, statuses=MODERATOR_STATUSES, omit=("agency",)),
    ):
        checked = fields(form)
        assert len(checked) >= 7
        for bound in checked:
            assert str(bound) == template_html(bound), bound.name


def test_bound_values_selected(city):
    form = FilterForm(
        {"agency": str(city["dpupr"].pk), "status": "baru"},
        statuses=MODERATOR_STATUSES,
    )
    html = str(form["agency"])
    assert f'<option value="{city["dpupr"].pk}" selected>' in html
    assert html == template_html(form["agency"])


def test_bulk_form_unchanged(city):
    for data in (None, {"action": "reject", "lead": str(city["dlh"].pk)}):
        form = BulkForm(data)
        checked = fields(form)
        assert {b.name for b in checked} == {"action", "lead", "reason"}
        for bound in checked:
            assert str(bound) == template_html(bound), bound.name


def test_escaping_groups_and_attributes():
    choices = [
        ("", "—"),
        ("a&b", '<i>x</i> & "y"'),
        ("safe", mark_safe("<b>bold</b>")),
        ("Group <1>", [(1, "one"), ("2", "two 'quoted'")]),
    ]
    attrs = {"class": 'a "b"', "required": True, "disabled": False, "data-x": 3}
    for value in ("", "a&b", "2", None, ["1", "safe"]):
        ours = Select(attrs=attrs, choices=choices).render("f<", value)
        theirs = forms.Select(attrs=attrs, choices=choices).render("f<", value)
        assert ours == theirs


def test_non_text_labels_go_through_the_template():
    choices = [(1, 1000), (2, 2000)]
    assert Select(choices=choices).render("n", 1) == forms.Select(choices=choices).render("n", 1)

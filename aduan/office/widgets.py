"""A select box rendered in Python, for the staff lists' filter bar and bulk form.

Django renders a ``<select>`` through its templates: ``select.html`` includes
``select_option.html`` once per option, and each of those includes ``attrs.html``. The
filter bar of every staff list has about 150 options (57 kelurahan, 39 categories, the
agencies, statuses, channels...): measured at a million complaints, rendering its nine
fields took 47 ms of the overview's 107 ms of template time, more than the whole SQL of
the page. :class:`Select` writes the same HTML, byte for byte, as those three templates
(``tests/test_widgets.py`` compares them), without the template engine.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _text(value) -> str:
    """``value|stringformat:'s'``, formatted exactly as the template filter does."""
    return "%s" % (value,)  # noqa: UP031 - the filter's own formatting


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(_text(value))}"')
    return "".join(parts)


def render_select(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html, for a widget context."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            value = conditional_escape(_text(option["value"]))
            label = conditional_escape(option["label"])
            out.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the template's final newline
    return "".join(out)


class Select(forms.Select):
    """``forms.Select`` with its HTML written in Python (see the module's docstring).
    A project that overrides Django's widget templates would lose that here: this
    project overrides none."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        texts = all(
            isinstance(option["label"], str | Promise)
            for _name, options, _index in widget["optgroups"]
            for option in options
        )
        if template_name != forms.Select.template_name or not texts:
            # A label that is a number or a date is localised by the template: keep it.
            return super()._render(template_name, context, renderer)
        return mark_safe(render_select(widget))  # noqa: S308 - every value escaped above

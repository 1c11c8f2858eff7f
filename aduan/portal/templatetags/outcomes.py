"""The outcome of a complaint in plain words, from an audience's projection."""

from django import template

from aduan.core import outcomes

register = template.Library()


@register.simple_tag
def outcome_phrase(view) -> str:
    """``view`` is a ``disclosure.ComplaintView``: its note is already masked for the
    audience, so this only chooses the words."""
    return outcomes.phrase(view.outcome, view.outcome_note, view.budget_year)

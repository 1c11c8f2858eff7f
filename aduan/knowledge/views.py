"""The knowledge base's pages: public search and articles, the filing form's suggestions,
and the staff pages where agencies keep their articles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aduan.core import disclosure
from aduan.core.models import Agency, Kind
from aduan.core.permissions import access_complaint, can_act

from . import access
from .candidates import ANSWERED, find_candidates
from .forms import ArticleForm
from .matching import config, rank
from .models import Article, Topic

# Search ranks loosely (the citizen asked to see a list, not to be interrupted), so its
# cut is below the suggestion threshold; words found verbatim are listed too.
SEARCH_THRESHOLD = 0.2
SEARCH_LIMIT = 30
SUGGESTION_LIMIT = 3
# The filing form sends what the citizen typed so far; more is never needed to match.
MAX_QUERY = 2000


def _published():
    return Article.objects.published().select_related("agency")


@require_safe
def index(request):
    q = request.GET.get("q", "").strip()[:200]
    topic = request.GET.get("topic", "")
    agency_id = request.GET.get("agency", "")
    articles = _published()
    if topic in Topic.values:
        articles = articles.filter(topic=topic)
    else:
        topic = ""
    if agency_id.isdigit():
        articles = articles.filter(agency_id=int(agency_id))
    else:
        agency_id = ""
    if q:
        allowed = set(articles.values_list("pk", flat=True))
        ranked = [
            m.article
            for m in rank(q, limit=SEARCH_LIMIT, threshold=SEARCH_THRESHOLD, current_only=False)
            if m.article.pk in allowed
        ]
        seen = {a.pk for a in ranked}
        verbatim = articles.filter(
            Q(title__icontains=q) | Q(questions__icontains=q) | Q(answer__icontains=q)
        ).exclude(pk__in=seen)[:SEARCH_LIMIT]
        results = (ranked + list(verbatim))[:SEARCH_LIMIT]
    else:
        results = list(articles)
    agencies = Agency.objects.filter(
        pk__in=Article.objects.published().values("agency_id")
    ).order_by("short_name")
    return render(
        request,
        "knowledge/index.html",
        {
            "articles": results,
            "q": q,
            "topic": topic,
            "agency_id": agency_id,
            "topics": Topic.choices,
            "agencies": agencies,
        },
    )


@require_safe
def article(request, pk):
    item = get_object_or_404(_published(), pk=pk)
    return render(request, "knowledge/article.html", {"article": item})


def _seen(raw: str) -> set[int]:
    return {int(x) for x in raw.split(",") if x.isdigit()}


@require_http_methods(["GET", "POST"])
def suggest(request):
    """The filing form's "does this answer your question?" box (an htmx partial).

    The form posts the text (``text``) so that what a citizen typed never lands in a
    URL, and with it an access log; ``?q=`` works too for other callers. Each article
    counts as shown once per page: the box hands back the ids already counted."""
    data = request.POST if request.method == "POST" else request.GET
    text = (data.get("text") or data.get("q") or "")[:MAX_QUERY]
    matches = rank(text, limit=SUGGESTION_LIMIT)
    seen = _seen(data.get("kb_seen", ""))
    new = [m.article.pk for m in matches if m.article.pk not in seen]
    if new:
        Article.bump(new, "shown_count")
    return render(
        request,
        "knowledge/_suggestions.html",
        {"matches": matches, "seen": ",".join(str(i) for i in sorted(seen | set(new)))},
    )


@require_POST
def helped(request, pk):
    """The citizen says the article answered their question."""
    item = get_object_or_404(_published(), pk=pk)
    Article.bump([item.pk], "helped_count")
    if request.htmx:
        return render(request, "knowledge/_helped.html", {"article": item})
    messages.success(request, _("Terima kasih. Senang jawaban ini membantu Anda."))
    return redirect("knowledge:article", pk=item.pk)


# -- Staff pages ------------------------------------------------------------------------


@login_required
@require_safe
def staff_list(request):
    user = request.user
    articles = list(access.visible_articles(user).order_by("review_by", "title"))
    today = timezone.localdate()
    return render(
        request,
        "knowledge/staff_list.html",
        {
            "articles": articles,
            "overdue": [a for a in articles if a.review_by < today],
            "can_write": access.can_write(user),
        },
    )


def _prefill(user, code: str) -> dict:
    """A new article started from a candidate: the public projection of one answered
    question (never the complaint's own text or answer), for an agency the user writes."""
    try:
        complaint = access_complaint(user, code)
    except Http404:
        return {}
    if complaint.kind != Kind.INFORMASI or complaint.status not in ANSWERED:
        return {}
    view = disclosure.for_public(complaint)
    if not view.shows_content:
        return {}
    initial = {"questions": view.text, "answer": view.answer, "topic": Topic.OTHER}
    agency = complaint.category.agency if complaint.category_id else complaint.lead_agency
    if agency is not None and access.writable_agencies(user).filter(pk=agency.pk).exists():
        initial["agency"] = agency.pk
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk=None):
    user = request.user
    access.require_staff(user)
    if not access.can_write(user):
        raise PermissionDenied
    instance = access.editable_article(user, pk) if pk else None
    if request.method == "POST":
        form = ArticleForm(request.POST, instance=instance, user=user)
        if form.is_valid():
            item = form.save(commit=False)
            if user.is_agency_staff:
                item.agency_id = user.agency_id
            if item.author_id is None:
                item.author = user
            item.updated_by = user
            item.save()
            messages.success(request, _("Artikel “%(t)s” tersimpan.") % {"t": item.title})
            return redirect("knowledge:staff_list")
        status = 400
    else:
        initial = _prefill(user, request.GET.get("dari", "")) if instance is None else {}
        form = ArticleForm(instance=instance, user=user, initial=initial)
        status = 200
    return render(
        request, "knowledge/staff_edit.html", {"form": form, "article": instance}, status=status
    )


@login_required
@require_safe
def staff_candidates(request):
    user = request.user
    access.require_staff(user)
    if user.is_agency_staff:
        found = find_candidates(agency=user.agency)
    elif user.role in access.WRITE_ALL or user.role in access.READ_ALL:
        found = find_candidates()
    else:
        raise PermissionDenied
    return render(
        request,
        "knowledge/candidates.html",
        {
            "candidates": found,
            "can_write": access.can_write(user),
            "min_complaints": config("candidate_min_complaints"),
            "days": config("candidate_days"),
        },
    )


@login_required
@require_POST
def use(request, pk, code):
    """ "Answer with this article": count it, then open the complaint's answer form
    filled with the article's text (the staff complaint page reads ``?artikel=``)."""
    user = request.user
    access.require_staff(user)
    complaint = access_complaint(user, code)
    # The staff page's two answer forms: the moderators' direct answer, the agency's
    # resolution (their anchors are the office's action names).
    if can_act(user, "answer_directly", complaint):
        anchor = "aksi-jawab"
    elif can_act(user, "resolve", complaint):
        anchor = "aksi-selesaikan"
    else:
        raise PermissionDenied
    item = get_object_or_404(Article.objects.published(), pk=pk)
    Article.bump([item.pk], "used_count")
    url = reverse("office:complaint", args=[complaint.code])
    return redirect(f"{url}?artikel={item.pk}#{anchor}")

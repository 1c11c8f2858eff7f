"""Public answers to the service questions citizens ask again and again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Agency


class Topic(models.TextChoices):
    HOURS = "jam_layanan", _("Jam layanan")
    REQUIREMENTS = "persyaratan", _("Persyaratan")
    FEES = "biaya", _("Biaya")
    PROCEDURE = "prosedur", _("Prosedur")
    OTHER = "lainnya", _("Lainnya")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, agency__is_active=True)

    def current(self, today=None):
        """Published and not past their review date: the ones worth suggesting."""
        return self.published().filter(review_by__gte=today or timezone.localdate())

    def overdue(self, today=None):
        return self.filter(review_by__lt=today or timezone.localdate())


class Article(models.Model):
    """One public answer of one agency. Everything here is public text: no complaint's
    reporter or personal data ever belongs in it (the candidate page copies only the
    public projection of an answer)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="articles"
    )
    topic = models.CharField(_("topik"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("judul"), max_length=160)
    questions = models.TextField(
        _("cara warga bertanya"),
        blank=True,
        help_text=_("Satu pertanyaan per baris, dengan kata-kata warga sendiri."),
    )
    answer = models.TextField(_("jawaban"), help_text=_("Teks biasa, tanpa format."))
    review_by = models.DateField(
        _("tinjau paling lambat"),
        help_text=_("Setelah tanggal ini artikel tidak lagi disarankan sampai ditinjau."),
    )
    is_published = models.BooleanField(_("terbit"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counters move by UPDATE ... SET n = n + 1 (``bump``), never by save(): concurrent
    # clicks do not overwrite each other, and updated_at keeps meaning "text changed",
    # which is what the matching index's cache key reads.
    shown_count = models.PositiveIntegerField(_("disarankan"), default=0)
    helped_count = models.PositiveIntegerField(_("menjawab warga"), default=0)
    used_count = models.PositiveIntegerField(_("dipakai moderator"), default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["agency__short_name", "topic", "title"]
        verbose_name = _("artikel pengetahuan")
        verbose_name_plural = _("artikel pengetahuan")
        indexes = [models.Index(fields=["is_published", "review_by"])]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_review(self) -> bool:
        return self.review_by < timezone.localdate()

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    @classmethod
    def bump(cls, ids, counter: str) -> None:
        if counter not in ("shown_count", "helped_count", "used_count"):
            raise ValueError(counter)
        cls.objects.filter(pk__in=list(ids)).update(**{counter: F(counter) + 1})

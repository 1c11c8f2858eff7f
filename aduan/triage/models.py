"""Smart triage as data: routing model versions, settings, suggestions, duplicates, mass events.

Written by the transition hook (``hooks.py``), the worker jobs (``jobs.py``), training
(``training.py``) and the moderators' triage views; read by the queue and the complaint page.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.models import Agency, Category, Complaint, Event
from aduan.lib.routing import NEVER


class Target(models.TextChoices):
    AGENCY = "agency", _("OPD")
    CATEGORY = "category", _("Kategori")


# Precision targets whose thresholds every version also stores, so that changing the
# setting later does not need a retraining (see RoutingModelVersion.threshold_for).
THRESHOLD_GRID = (0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)


class RoutingModelVersion(models.Model):
    """One trained routing model; its primary key is the version number people see."""

    target = models.CharField(_("sasaran"), max_length=10, choices=Target.choices)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # "database", "csv:arsip-2024.csv"...
    source = models.CharField(_("sumber"), max_length=200)
    trained_by = models.CharField(_("dilatih oleh"), max_length=120, blank=True)
    n_train = models.PositiveIntegerField(_("jumlah data latih"))
    n_skipped = models.PositiveIntegerField(_("baris dilewati"), default=0)
    labels = models.JSONField(_("label"), default=list, blank=True)
    # Cross-validated figures on the training data (accuracy, macro_f1, per_class,
    # auto_dispatch, thresholds per precision target).
    metrics = models.JSONField(_("hasil evaluasi"), default=dict, blank=True)
    precision_target = models.FloatField(_("target presisi"))
    threshold = models.FloatField(_("ambang keyakinan"))
    blob = models.BinaryField(_("model"))
    is_active = models.BooleanField(_("aktif"), default=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("versi model rute")
        verbose_name_plural = _("versi model rute")
        constraints = [
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(is_active=True),
                name="triage_one_active_model_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.pk} ({self.get_target_display()})"

    def threshold_for(self, precision_target: float) -> float:
        """The auto-dispatch threshold for ``precision_target``.

        The version's own target has its exact threshold; another target takes the
        threshold of the nearest stored target at or above it (never less strict).
        """
        if abs(precision_target - self.precision_target) < 1e-9:
            return self.threshold
        stored = {float(k): v for k, v in (self.metrics.get("thresholds") or {}).items()}
        stricter = [t for t in stored if t >= precision_target - 1e-9]
        if not stricter:
            return NEVER
        return float(stored[min(stricter)])

    def blocked_for(self, precision_target: float) -> frozenset:
        """Labels the per-agency guard keeps from auto-dispatch at ``precision_target``: their
        predictions on the most recent training slice show (by an exact binomial test) that
        they miss the target; an agency with too few predictions to tell keeps the global
        threshold (versions trained before December 2026 also blocked those). Taken from
        the same stored target as ``threshold_for``; empty for versions trained before the
        guard existed."""
        guard = self.metrics.get("guard") or {}
        if not guard:
            return frozenset()
        stored = [float(k) for k in guard if float(k) >= precision_target - 1e-9]
        if not stored:
            return frozenset(self.labels or [])
        key = min(stored)
        for k, labels in guard.items():
            if abs(float(k) - key) < 1e-9:
                return frozenset(labels)
        return frozenset()

    def is_strong(self, confidence: float | None, label: str = "", precision_target=None) -> bool:
        """Whether a suggestion of this version is strong enough to act on in one click (and
        for auto-dispatch): its confidence reaches the threshold for the precision target
        (the configured one by default) and the guard does not block its label. Anything
        else is only a hint."""
        if confidence is None:
            return False
        if precision_target is None:
            precision_target = TriageSettings.load().precision_target
        if confidence < self.threshold_for(precision_target):
            return False
        return not (label and label in self.blocked_for(precision_target))


class TrainingRun(models.Model):
    """A training in progress or done. The partial unique constraint is the claim:
    only one run without ``finished_at`` can exist, whatever the number of workers."""

    class State(models.TextChoices):
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        SKIPPED = "skipped", _("Dilewati")
        FAILED = "failed", _("Gagal")
        ABANDONED = "abandoned", _("Ditinggalkan")

    lock = models.CharField(max_length=20, default="routing")
    trigger = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock"],
                condition=Q(finished_at__isnull=True),
                name="triage_one_training_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trigger} {self.started_at:%Y-%m-%d %H:%M} {self.state}"


class TriageSettings(models.Model):
    """One row of settings, edited by the admin sistem."""

    auto_dispatch_enabled = models.BooleanField(
        _("disposisi otomatis"),
        default=False,
        help_text=_(
            "Aduan baru yang saran OPD-nya seyakin ambang model didisposisikan otomatis "
            "dan masuk daftar tinjauan moderator."
        ),
    )
    precision_target = models.FloatField(
        _("target presisi disposisi otomatis"),
        default=0.97,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
        help_text=_("Bagian disposisi otomatis yang harus tepat, diukur saat pelatihan."),
    )
    retrain_enabled = models.BooleanField(_("latih ulang terjadwal"), default=True)
    retrain_every_hours = models.PositiveIntegerField(
        _("latih ulang paling sering (jam)"), default=24
    )
    retrain_min_decisions = models.PositiveIntegerField(
        _("keputusan moderator baru minimal sebelum latih ulang"), default=50
    )
    duplicate_window_days = models.PositiveSmallIntegerField(
        _("jendela duplikat (hari)"), default=14
    )
    duplicate_distance_m = models.PositiveIntegerField(_("jarak duplikat (meter)"), default=500)
    duplicate_min_similarity = models.FloatField(
        _("kemiripan teks minimal"),
        default=0.5,
        validators=[MinValueValidator(0.05), MaxValueValidator(1.0)],
    )
    mass_event_size = models.PositiveSmallIntegerField(
        _("aduan serupa minimal untuk kejadian massal"),
        default=5,
        validators=[MinValueValidator(2)],
    )
    mass_event_window_hours = models.PositiveIntegerField(
        _("jendela kejadian massal (jam)"),
        default=24,
        help_text=_("Aduan sejenis di tempat yang sama dalam selang ini dikelompokkan."),
    )
    mass_event_hold_hours = models.PositiveIntegerField(
        _("tahan disposisi otomatis selama kelompok terbentuk (jam)"),
        default=6,
        help_text=_(
            "Aduan yang mulai berkelompok tidak didisposisikan otomatis sampai kelompoknya "
            "tidak bertambah selama ini."
        ),
    )
    mass_event_distance_m = models.PositiveIntegerField(
        _("jarak titik peta kejadian massal (meter)"), default=400
    )
    mass_event_topic_similarity = models.FloatField(
        _("kemiripan topik minimal untuk kejadian massal"),
        default=0.25,
        validators=[MinValueValidator(0.05), MaxValueValidator(1.0)],
        help_text=_(
            "Untuk teks tanpa kata topik yang dikenal (banjir, sampah, lampu...): bagian "
            "kata isi yang sama, tanpa nama tempat."
        ),
    )
    # Stricter than for a duplicate warning: a false mass event costs far more than a
    # wrong "kemungkinan duplikat" (docs/benchmarks.md).
    mass_event_min_similarity = models.FloatField(
        _("kemiripan teks minimal untuk kejadian massal"),
        default=0.6,
        validators=[MinValueValidator(0.05), MaxValueValidator(1.0)],
    )

    class Meta:
        verbose_name = _("pengaturan triase")
        verbose_name_plural = _("pengaturan triase")

    def __str__(self) -> str:
        return str(_("Pengaturan triase"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "TriageSettings":
        return cls.objects.get_or_create(pk=1)[0]


class Suggestion(models.Model):
    """What triage thinks of one complaint: route, spam, personal data, automatic dispatch."""

    class AutoState(models.TextChoices):
        PENDING = "", _("Belum ditimbang")
        CLAIMED = "claimed", _("Sedang diproses")
        DISPATCHED = "dispatched", _("Didisposisikan otomatis")
        BELOW = "below", _("Di bawah ambang")
        SKIPPED = "skipped", _("Dilewati")
        FAILED = "failed", _("Gagal")

    complaint = models.OneToOneField(
        Complaint, primary_key=True, on_delete=models.CASCADE, related_name="triage"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The model's own label (an agency code, or a name from an imported archive).
    agency_label = models.CharField(max_length=200, blank=True)
    agency_confidence = models.FloatField(null=True, blank=True)
    agency_reasons = models.JSONField(default=list, blank=True)
    agency_alternatives = models.JSONField(default=list, blank=True)
    agency_version = models.ForeignKey(
        RoutingModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_label = models.CharField(max_length=200, blank=True)
    category_confidence = models.FloatField(null=True, blank=True)
    category_reasons = models.JSONField(default=list, blank=True)
    category_version = models.ForeignKey(
        RoutingModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spam_label = models.CharField(max_length=10, default="ok")
    spam_score = models.FloatField(default=0.0)
    spam_reasons = models.JSONField(default=list, blank=True)
    abusive = models.BooleanField(default=False)
    threat = models.BooleanField(default=False)
    pii_kinds = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    auto_state = models.CharField(
        max_length=10, choices=AutoState.choices, default=AutoState.PENDING, blank=True
    )
    auto_note = models.CharField(max_length=200, blank=True)
    auto_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("saran triase")
        verbose_name_plural = _("saran triase")
        indexes = [models.Index(fields=["auto_state"], name="triage_suggestion_auto")]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.agency_label or '-'}"

    @property
    def is_flagged(self) -> bool:
        return self.spam_label != "ok" or self.abusive or self.threat


class DuplicateKey(models.Model):
    """The inverted index of complaint words that duplicate search reads (see duplicates.py)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    # Copied from the complaint so the window filter needs no join.
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "received_at"], name="triage_dupkey_key")]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "key"], name="triage_dupkey_unique")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.key}"


class DuplicateLink(models.Model):
    """``complaint`` (the later one) looks like ``other`` (an earlier one)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="duplicate_links"
    )
    other = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    distance_m = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-similarity"]
        indexes = [models.Index(fields=["other"], name="triage_duplink_other")]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "other"], name="triage_duplink_unique")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}~{self.other_id}"


class MassEvent(models.Model):
    """Many complaints about one thing (a broken bridge, two hundred messages): one case."""

    class State(models.TextChoices):
        # Two or more near complaints, fewer than the setting's size: automatic dispatch
        # holds them, the moderators do not see a case yet.
        FORMING = "forming", _("Sedang terbentuk")
        OPEN = "open", _("Belum digabung")
        GATHERED = "gathered", _("Sudah digabung")

    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The newest member's filing time: a forming cluster that stops growing for the
    # window's length releases its members.
    last_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    complaints = models.ManyToManyField(
        Complaint, through="MassEventMember", related_name="mass_events"
    )
    survivor = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gathered_at = models.DateTimeField(null=True, blank=True)
    gathered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "last_at"], name="triage_mass_state")]
        verbose_name = _("kejadian massal")
        verbose_name_plural = _("kejadian massal")

    def __str__(self) -> str:
        return f"#{self.pk}"


class MassEventMember(models.Model):
    event = models.ForeignKey(MassEvent, on_delete=models.CASCADE, related_name="members")
    # A complaint belongs to one mass event at most; the constraint settles races.
    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.event_id}:{self.complaint_id}"


class Review(models.Model):
    """A moderator's verdict on an automatic dispatch; a correction is a training label."""

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", _("Benar")
        CORRECTED = "corrected", _("Dikoreksi")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="triage_review")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    # The agency the complaint should go to (the dispatched one when confirmed).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tinjauan disposisi otomatis")
        verbose_name_plural = _("tinjauan disposisi otomatis")

    def __str__(self) -> str:
        return f"{self.event_id} {self.verdict}"


class Street(models.Model):
    """A street of the city under its official name; what people call it is in its aliases."""

    name = models.CharField(_("nama resmi"), max_length=120, unique=True)
    kelurahan = models.ManyToManyField(
        "core.Kelurahan", blank=True, related_name="+", verbose_name=_("kelurahan yang dilalui")
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jalan")
        verbose_name_plural = _("jalan")

    def __str__(self) -> str:
        return self.name


class StreetAlias(models.Model):
    """Another name of a street: a local nickname ("Suhat"), an old spelling, a landmark
    people use for it ("Kayutangan")."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("nama lain"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nama lain jalan")
        verbose_name_plural = _("nama lain jalan")
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="triage_alias_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PlaceKey(models.Model):
    """Where a complaint is, as index keys for mass events (see mass.py): ``s:<street>``,
    ``l:<kelurahan>``, ``k:<kecamatan>`` and ``g:<lat cell>:<lon cell>`` for a pin."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    # Copied from the complaint so the window filter needs no join.
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "received_at"], name="triage_placekey_key")]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "key"], name="triage_placekey_unique")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.key}"

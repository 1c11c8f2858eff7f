"""The end-of-period job: when an evaluation period has ended, propose its sanctions and
rewards, review the previous period's sanctions against it, store the evaluation files
and tell the leaders.

In-app notifications live in the back office, which the reports may not import (the two
are peers, ``core/tests/test_layering.py``): the reports send ``core.signals.staff_notice``
and the back office stores the notices; the e-mail copy goes through the core's outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.core.city import site_name
from aduan.core.models import Role, User
from aduan.core.notify import queue_message
from aduan.core.signals import staff_notice

from . import evaluation, exports, sanctions
from .periods import evaluation_period_of, local_day
from .records import GeneratedReport

# Answers given in the last minutes of a period reach the counts on the aggregation's
# next passes; the job waits this long after the period ends before it judges it.
GRACE = timedelta(hours=6)


def run(now: datetime | None = None) -> GeneratedReport | None:
    """Close the period that ended before ``now``, once; returns the stored report."""
    now = now or timezone.now()
    period = evaluation_period_of(local_day(now)).previous()
    if now < period.end + GRACE:
        return None
    if GeneratedReport.objects.filter(period=period.code).exists():
        return None
    with transaction.atomic():
        try:
            # The row is the claim: a second worker's insert waits for this transaction,
            # then fails on the unique period and leaves.
            with transaction.atomic():
                stored = GeneratedReport.objects.create(
                    period=period.code, generated_at=now, pdf=b"", xlsx=b""
                )
        except IntegrityError:
            return None
        proposed = sanctions.propose(period)
        sanctions.review_period(period.previous())
        report = evaluation.build(period)
        stored.pdf = exports.pdf(report)
        stored.xlsx = exports.xlsx(report)
        stored.notified = _tell_the_leaders(period, len(proposed))
        stored.save(update_fields=["pdf", "xlsx", "notified"])
    return stored


def _tell_the_leaders(period, proposed: int) -> int:
    leaders = list(User.objects.filter(role=Role.PIMPINAN, is_active=True))
    path = reverse("reports:sanctions_period", kwargs={"period": period.code})
    link = settings.SITE_URL.rstrip("/") + path
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] Evaluasi aduan %(period)s siap") % {
            "site": site_name(),
            "period": period.label,
        }
        body = _(
            "Evaluasi penanganan aduan periode %(period)s sudah dibuat, dengan %(n)s usulan "
            "sanksi atau penghargaan yang menunggu keputusan pimpinan. Laporan PDF dan XLSX "
            "serta usulan dapat dibuka di %(link)s"
        ) % {"period": period.label, "n": proposed, "link": link}
        notice = _("Evaluasi periode %(period)s siap: %(n)s usulan menunggu keputusan.") % {
            "period": period.label,
            "n": proposed,
        }
    staff_notice.send(sender=__name__, users=leaders, text=notice, link=path)
    for leader in leaders:
        if leader.email:
            queue_message("email", leader.email, body, subject=subject)
    return len(leaders)

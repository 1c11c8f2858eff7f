"""The demo city trains a model from its own history and its queue gets suggestions."""

from django.urls import reverse

from aduan.core.models import MODERATOR_STATUSES, Complaint, Role, User
from aduan.demo import loader as demo
from aduan.office.tests.conftest import login
from aduan.triage.models import RoutingModelVersion, Suggestion, Target
from aduan.triage.training import train_from_database


def test_demo_then_training_gives_the_queue_suggestions(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.load_master_data()
    demo.load_complaints(n=50, days=90)
    versions = train_from_database(folds=3)
    assert {v.target for v in versions} == {Target.AGENCY, Target.CATEGORY}
    assert RoutingModelVersion.objects.filter(is_active=True).count() == 2
    queue = Complaint.objects.filter(status__in=MODERATOR_STATUSES)
    assert queue.exists()
    suggested = Suggestion.objects.filter(complaint__in=queue, agency__isnull=False)
    assert suggested.count() == queue.count()
    moderator = User.objects.filter(role=Role.MODERATOR).first()
    moderator.set_password("rahasia-uji-123")
    moderator.save()
    page = login(moderator).get(reverse("office:queue")).content.decode()
    assert "Terima saran" in page

"""The demo city trains a model from its own history and its queue gets suggestions."""

from django.urls import reverse

from aduan.core.models import MODERATOR_STATUSES, Complaint, Role, User
from aduan.demo import loader as demo
from aduan.office.tests.conftest import login
from aduan.triage import streets
from aduan.triage.models import RoutingModelVersion, Street, StreetAlias, Suggestion, Target
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
    # Above the bar a one-click accept, below it a hint (test_hints.py has the rule).
    assert "Terima saran" in page or "Petunjuk" in page


def test_the_demo_city_ships_its_main_roads_and_their_names(db):
    demo.load_master_data()
    suhat = Street.objects.get(name="Jl. Soekarno-Hatta")
    assert {"Suhat", "Sukarno Hatta"} <= set(suhat.aliases.values_list("name", flat=True))
    assert suhat.kelurahan.filter(name="Mojolangu").exists()
    gazetteer = streets.gazetteer()
    assert gazetteer.find("banjir di suhat depan kampus") == {suhat.pk}
    assert gazetteer.find("Kajoetangan macet") == {Street.objects.get(name="Jl. Basuki Rahmat").pk}
    # Loading again changes nothing.
    count = StreetAlias.objects.count()
    demo.load_master_data()
    assert StreetAlias.objects.count() == count

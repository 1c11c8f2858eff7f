"""The city is a row of the deployment: a neutral default without one, cached, dropped
from the cache when it changes, and what every page and message names."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aduan.core import city as city_cache
from aduan.core.city import current_city, from_email, site_name
from aduan.core.models import City


def contoh(**changes) -> City:
    facts = {
        "name": "Kota Contoh",
        "short_name": "Contoh",
        "government_name": "Pemerintah Kota Contoh",
        "site_name": "Aduan Kota Contoh",
        "timezone": "Asia/Jakarta",
        "south": Decimal("-7.5"),
        "west": Decimal("110.3"),
        "north": Decimal("-7.4"),
        "east": Decimal("110.5"),
        "sms_number": "0812-1111-2222",
        "email": "aduan@contoh.example",
        **changes,
    }
    record = City(**facts)
    record.full_clean()
    record.save()
    return record


def test_a_fresh_install_has_a_neutral_city(db):
    city = current_city()
    assert city.pk is None
    assert (city.name, city.site_name, city.sms_number) == ("Aduan", "Aduan", "")
    assert str(city.government_name) == "pemerintah daerah"
    assert city.timezone == "Asia/Jakarta"
    # Without bounds of its own, the map box is the whole country.
    assert city.bounds == {"lat_min": -11.0, "lat_max": 6.0, "lon_min": 95.0, "lon_max": 141.0}
    assert City.current().site_name == "Aduan"
    assert not City.objects.exists()


def test_the_row_is_read_once_then_served_from_the_cache(db, django_assert_num_queries):
    contoh()
    with django_assert_num_queries(1):
        assert current_city().name == "Kota Contoh"
    with django_assert_num_queries(0):
        assert current_city().name == "Kota Contoh"
        assert City.current().short_name == "Contoh"


def test_saving_or_deleting_the_row_drops_the_cache_at_once(db):
    record = contoh()
    assert current_city().site_name == "Aduan Kota Contoh"
    record.site_name = "Layanan Aduan Contoh"
    record.save()
    assert current_city().site_name == "Layanan Aduan Contoh"
    record.delete()
    assert current_city().pk is None
    assert current_city().site_name == "Aduan"


def test_other_processes_pick_a_change_up_when_the_cache_expires(db, monkeypatch):
    contoh()
    assert current_city().name == "Kota Contoh"
    # Another process saving the row does not reach this one's cache: same as here,
    # an update without save().
    City.objects.update(name="Kota Contoh Baru")
    assert current_city().name == "Kota Contoh"
    later = city_cache.time.monotonic() + city_cache.CACHE_SECONDS + 1
    monkeypatch.setattr(city_cache.time, "monotonic", lambda: later)
    assert current_city().name == "Kota Contoh Baru"


def test_there_is_only_ever_one_row(db):
    contoh()
    contoh(name="Kabupaten Contoh")
    assert City.objects.count() == 1
    assert current_city().name == "Kabupaten Contoh"


def test_the_timezone_must_be_the_servers(db, settings):
    with pytest.raises(ValidationError) as refused:
        contoh(timezone="Asia/Makassar")
    assert "timezone" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        contoh(timezone="Asia/Atlantis")
    assert "timezone" in unknown.value.message_dict
    settings.TIME_ZONE = "Asia/Makassar"
    assert contoh(timezone="Asia/Makassar").timezone == "Asia/Makassar"


def test_the_map_box_must_not_be_inverted(db):
    with pytest.raises(ValidationError) as refused:
        contoh(south=Decimal("-7.3"), west=Decimal("110.6"))
    assert set(refused.value.message_dict) == {"north", "east"}


def test_pages_name_the_city_of_the_record(client, db):
    page = client.get("/").content.decode()
    assert "<title>Aduan</title>" in page
    assert "Layanan pengaduan masyarakat pemerintah daerah." in page
    assert "Kota Contoh" not in page
    assert "mailto:" not in page

    record = contoh()
    page = client.get("/").content.decode()
    assert "<title>Aduan Kota Contoh</title>" in page
    assert "Sampaikan aduan Anda kepada Pemerintah Kota Contoh" in page
    assert "Layanan pengaduan masyarakat Pemerintah Kota Contoh." in page
    assert "lalu kirim ke 0812-1111-2222." in page
    assert 'href="mailto:aduan@contoh.example"' in page

    record.government_name = "Pemerintah Kabupaten Contoh"
    record.site_name = "Sambat Contoh"
    record.save()
    page = client.get("/lacak/").content.decode()
    assert "Sambat Contoh</title>" in page
    assert "Layanan pengaduan masyarakat Pemerintah Kabupaten Contoh." in page
    assert "Pemerintah Kota Contoh" not in page


def test_the_site_name_setting_still_overrides_the_record(client, db, settings):
    contoh()
    settings.SITE_NAME = "Layanan Aspirasi"
    assert site_name() == "Layanan Aspirasi"
    page = client.get("/").content.decode()
    assert "<title>Layanan Aspirasi</title>" in page
    # The rest still comes from the record.
    assert "Pemerintah Kota Contoh" in page


def test_mail_goes_out_under_the_service_name(db, settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@contoh.example"
    assert from_email() == "Aduan <noreply@contoh.example>"
    contoh()
    assert from_email() == "Aduan Kota Contoh <noreply@contoh.example>"
    # An operator who named the sender keeps that name.
    settings.DEFAULT_FROM_EMAIL = "Diskominfo Contoh <humas@contoh.example>"
    assert from_email() == "Diskominfo Contoh <humas@contoh.example>"


def test_an_email_sent_by_the_worker_carries_the_service_name(db, settings, mailoutbox):
    from aduan.core.models import OutboundMessage
    from aduan.core.senders import DjangoEmailSender

    settings.DEFAULT_FROM_EMAIL = "noreply@contoh.example"
    contoh()
    message = OutboundMessage.objects.create(
        channel="email", recipient="warga@contoh.example", subject="Kode aduan", body="..."
    )
    DjangoEmailSender().send(message)
    assert mailoutbox[0].from_email == "Aduan Kota Contoh <noreply@contoh.example>"


def test_the_chat_menu_greets_with_the_service_name(db):
    from aduan.channels.conversation import menu_text

    assert "layanan aduan Aduan." in menu_text()
    contoh()
    assert "layanan aduan Aduan Kota Contoh." in menu_text()


def test_the_public_map_falls_back_to_the_citys_box(db, monkeypatch):
    from aduan.reports import geometry, mapping

    seen = []
    real_fit = geometry.fit

    def spy(points, fallback, *args, **kwargs):
        seen.append(fallback)
        return real_fit(points, fallback, *args, **kwargs)

    monkeypatch.setattr(geometry, "fit", spy)
    contoh()
    mapping.build_map("peta", "Peta", "Peta aduan", {})
    assert seen == [{"lat_min": -7.5, "lat_max": -7.4, "lon_min": 110.3, "lon_max": 110.5}]


def test_the_system_admin_edits_the_one_city_in_the_admin(client, sari):
    client.force_login(sari)
    assert client.get("/admin/core/city/add/").status_code == 200
    record = contoh()
    page = client.get(f"/admin/core/city/{record.pk}/change/")
    assert page.status_code == 200
    assert "Pemerintah Kota Contoh" in page.content.decode()
    # One deployment, one city: no second row, and the row cannot be deleted.
    assert client.get("/admin/core/city/add/").status_code == 403
    assert client.get(f"/admin/core/city/{record.pk}/delete/").status_code == 403

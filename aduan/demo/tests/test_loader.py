"""The demo loader writes Kota Malang as the deployment's city, and ``aduan demo``
(which lives in the demo app) loads it."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from aduan.core.city import current_city
from aduan.core.models import Agency, City, Complaint
from aduan.demo import loader, malang


def test_the_demo_city_is_a_city_record(db):
    loader.load_city()
    loader.load_city()  # again: the same single row, updated
    assert City.objects.count() == 1
    city = current_city()
    assert (city.name, city.short_name) == ("Kota Malang", "Malang")
    assert city.government_name == "Pemerintah Kota Malang"
    assert city.site_name == "Aduan Kota Malang"
    assert city.timezone == "Asia/Jakarta"
    assert city.sms_number == malang.CITY["sms_number"] != ""
    assert (city.south, city.north) == (Decimal("-8.06"), Decimal("-7.90"))
    assert (city.west, city.east) == (Decimal("112.56"), Decimal("112.70"))
    assert city.bounds == malang.CITY_BOUNDS


def test_master_data_brings_the_city_and_the_pages_name_it(client, db):
    assert "Pemerintah Kota Malang" not in client.get("/").content.decode()
    loader.load_master_data()
    assert City.objects.get().name == "Kota Malang"
    page = client.get("/").content.decode()
    assert "<title>Aduan Kota Malang</title>" in page
    assert "Sampaikan aduan Anda kepada Pemerintah Kota Malang" in page


def test_the_demo_command_loads_the_city(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo", complaints=0, stdout=out)
    assert "demo city loaded: 0 complaints" in out.getvalue()
    assert City.objects.get().site_name == "Aduan Kota Malang"
    assert Agency.objects.count() == len(malang.AGENCIES)
    assert not Complaint.objects.exists()
    out = StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "already loaded" in out.getvalue()

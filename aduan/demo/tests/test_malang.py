import math
import re
import string

from aduan.demo import malang
from aduan.demo.malang import (
    AGENCIES,
    CATEGORIES,
    CITY_BOUNDS,
    KECAMATAN,
    LANDMARKS,
    REJECTION_REASONS,
    RESPONSE_TEMPLATES,
    STAFF,
    STAFF_ROLES,
    STREETS,
)

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
AGENCY_KINDS = {"dinas", "badan", "satuan", "bumd", "kecamatan", "bagian"}


def _km(lat1, lon1, lat2, lon2):
    # Equirectangular is plenty at city scale.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371 * math.hypot(x, y)


def _inside_city(lat, lon):
    return (
        CITY_BOUNDS["lat_min"] <= lat <= CITY_BOUNDS["lat_max"]
        and CITY_BOUNDS["lon_min"] <= lon <= CITY_BOUNDS["lon_max"]
    )


def test_five_kecamatan_with_their_kelurahan_counts():
    counts = {kec["name"]: len(kec["kelurahan"]) for kec in KECAMATAN}
    assert counts == {
        "Blimbing": 11,
        "Klojen": 11,
        "Kedungkandang": 12,
        "Sukun": 11,
        "Lowokwaru": 12,
    }
    assert len(malang.all_kelurahan()) == 57


def test_area_codes_follow_kemendagri_and_are_unique():
    kecamatan_codes = [kec["code"] for kec in KECAMATAN]
    assert kecamatan_codes == [f"35.73.0{i}" for i in range(1, 6)]
    kelurahan = malang.all_kelurahan()
    codes = [kel["code"] for kel in kelurahan]
    assert len(set(codes)) == 57
    for kel in kelurahan:
        assert re.fullmatch(re.escape(kel["kecamatan"]) + r"\.1\d{3}", kel["code"])
    # Numbered from 1001 without gaps inside each kecamatan.
    for kec in KECAMATAN:
        suffixes = [int(kel["code"][-4:]) for kel in kec["kelurahan"]]
        assert suffixes == list(range(1001, 1001 + len(suffixes)))


def test_kelurahan_names_are_unique_and_a_few_known_ones_sit_where_they_should():
    names = [kel["name"] for kel in malang.all_kelurahan()]
    assert len(set(names)) == len(names)
    assert malang.kecamatan_of("35.73.05.1008")["name"] == "Lowokwaru"
    assert malang.kelurahan_by_code("35.73.05.1008")["name"] == "Tunjungsekar"
    assert malang.kelurahan_by_code("35.73.03.1008")["name"] == "Sawojajar"
    assert malang.kelurahan_by_code("35.73.01.1011")["name"] == "Jodipan"


def test_coordinates_inside_the_city_and_near_their_kecamatan():
    for kec in KECAMATAN:
        assert _inside_city(kec["lat"], kec["lon"]), kec["name"]
        for kel in kec["kelurahan"]:
            assert _inside_city(kel["lat"], kel["lon"]), kel["name"]
            assert _km(kec["lat"], kec["lon"], kel["lat"], kel["lon"]) < 6, kel["name"]
    # Two kelurahan on the same spot would be a copy-paste slip.
    points = {(kel["lat"], kel["lon"]) for kel in malang.all_kelurahan()}
    assert len(points) == 57


def test_streets_and_landmarks_exist_for_every_kecamatan():
    codes = {kec["code"] for kec in KECAMATAN}
    assert set(STREETS) == codes == set(LANDMARKS)
    for code in codes:
        assert len(STREETS[code]) >= 10
        assert len(set(STREETS[code])) == len(STREETS[code])
        assert all(not s.lower().startswith("jl") for s in STREETS[code])
        assert len(LANDMARKS[code]) >= 4


def test_agencies_are_complete_and_well_formed():
    codes = [a["code"] for a in AGENCIES]
    assert len(set(codes)) == len(codes)
    required = {
        "dpuprpkp", "dlh", "dishub", "dinkes", "rsud", "disdikbud", "dispendukcapil",
        "dinsos", "satpolpp", "bpbd", "diskominfo", "tugutirta", "disnaker",
        "diskopindag", "bapenda", "disporapar", "dispangtan",
    }  # fmt: skip
    assert required <= set(codes)
    assert len([a for a in AGENCIES if a["kind"] != "kecamatan"]) >= 18
    assert len([a for a in AGENCIES if a["kind"] == "kecamatan"]) == 5
    emails = [a["email"] for a in AGENCIES]
    assert len(set(emails)) == len(emails)
    for agency in AGENCIES:
        assert SLUG.match(agency["code"]), agency["code"]
        assert agency["kind"] in AGENCY_KINDS
        assert agency["email"].endswith("@demo.aduan.id")
        assert agency["name"] and agency["short_name"] and agency["description"]
    assert malang.agency_by_code("tugutirta")["kind"] == "bumd"


def test_categories_point_at_existing_agencies():
    agency_codes = {a["code"] for a in AGENCIES}
    codes = [c["code"] for c in CATEGORIES]
    names = [c["name"] for c in CATEGORIES]
    assert 28 <= len(codes) <= 45
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for category in CATEGORIES:
        assert SLUG.match(category["code"])
        assert category["agency"] in agency_codes, category["code"]
        assert set(category["supporting"]) <= agency_codes, category["code"]
        assert category["agency"] not in category["supporting"]
        assert len(set(category["supporting"])) == len(category["supporting"])
        assert category["keywords"], category["code"]
        assert all(k == k.lower() for k in category["keywords"])
        assert category["description"]


def test_categories_route_as_malang_does():
    route = {c["code"]: c["agency"] for c in CATEGORIES}
    assert route["jalan_rusak"] == route["pju"] == route["drainase"] == "dpuprpkp"
    assert route["sampah"] == route["pohon"] == "dlh"
    assert route["air_mati"] == route["air_tagihan"] == "tugutirta"
    assert route["parkir"] == "dishub"
    assert route["adminduk"] == "dispendukcapil"
    assert route["pkl"] == "satpolpp"
    assert route["pbb"] == "bapenda"


def test_every_agency_has_an_admin_and_a_head():
    agency_codes = {a["code"] for a in AGENCIES}
    for member in STAFF:
        assert member["role"] in STAFF_ROLES
        assert member["agency"] is None or member["agency"] in agency_codes
    for code in agency_codes:
        roles = sorted(m["role"] for m in STAFF if m["agency"] == code)
        expected = ["admin_opd", "kepala_opd"]
        if code == "diskominfo":
            expected = ["admin_opd", "kepala_opd", "moderator", "moderator", "moderator"]
        assert roles == expected, code


def test_staff_usernames_and_leaders():
    usernames = [m["username"] for m in STAFF]
    assert len(set(usernames)) == len(usernames)
    assert all(re.fullmatch(r"[a-z0-9._]+", u) for u in usernames)
    full_names = [m["full_name"] for m in STAFF]
    assert len(set(full_names)) == len(full_names)
    by_role = {}
    for member in STAFF:
        by_role.setdefault(member["role"], []).append(member["username"])
    assert sorted(by_role["pimpinan"]) == ["sekda", "wakilwalikota", "walikota"]
    assert by_role["admin_sistem"] == ["admin"]
    assert sorted(by_role["moderator"]) == ["moderator1", "moderator2", "moderator3"]
    assert "admin.dpuprpkp" in usernames and "kepala.dpuprpkp" in usernames


def test_staff_are_not_real_officials():
    real = ["Wahyu Hidayat", "Ali Muthohirin", "Sutiaji", "Sofyan Edi", "Erik Setyo"]
    for member in STAFF:
        assert not any(name in member["full_name"] for name in real)


def test_response_templates_use_exactly_the_documented_placeholders():
    category_codes = {c["code"] for c in CATEGORIES}
    assert len(RESPONSE_TEMPLATES) >= 10
    assert set(RESPONSE_TEMPLATES) <= category_codes
    expected = {"reporter", "code", "kelurahan", "agency", "date"}
    for code, template in RESPONSE_TEMPLATES.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        assert fields == expected, code
        assert " nomor {code}" in template, code


def test_rejection_reasons_cover_the_usual_cases_with_referrals():
    codes = [r["code"] for r in REJECTION_REASONS]
    assert len(set(codes)) == len(codes)
    assert {"spam", "tidak_pantas", "tidak_lengkap", "duplikat"} <= set(codes)
    referred = " ".join(r["referral"] for r in REJECTION_REASONS if r["referral"])
    for body in ("Provinsi Jawa Timur", "PLN", "Polresta", "BPJS", "LAPOR", "Pertanahan"):
        assert body in referred
    for reason in REJECTION_REASONS:
        assert SLUG.match(reason["code"])
        assert reason["label"] and reason["explanation_for_citizen"]
        if reason["code"].startswith("bukan_kewenangan"):
            assert 0 < len(reason["referral"]) <= 200
        else:
            assert reason["referral"] is None

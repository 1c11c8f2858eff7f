"""The demo's articles on the test city: Dukcapil, Bapenda, Dinkes and PDAM answers."""

import pytest

from aduan.core.models import Agency
from aduan.demo.knowledge import load_articles
from aduan.knowledge.models import Article


@pytest.fixture
def articles(city):
    for code, short in (
        ("dispendukcapil", "Dispendukcapil"),
        ("bapenda", "Bapenda"),
        ("dinkes", "Dinkes"),
    ):
        Agency.objects.create(code=code, name=f"{short} Kota Malang", short_name=short)
    Agency.objects.create(code="tugutirta", name="Perumda Tugu Tirta", short_name="Tugu Tirta")
    assert load_articles() == 6
    return {a.title: a for a in Article.objects.all()}


@pytest.fixture
def hours(articles):
    return articles["Jam layanan kantor Dispendukcapil"]

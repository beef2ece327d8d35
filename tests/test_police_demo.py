"""Falun, the demo's second municipality, with real police data: `load_falun`."""

import io

import pytest
from django.contrib.auth import authenticate
from django.db.models import Sum

from trygg.areas.models import Area
from trygg.bra.models import BraStatistic
from trygg.imports.models import ImportBatch
from trygg.police.demo import load_falun
from trygg.police.models import PoliceCrime, PoliceEvent
from trygg.tenants.access import access_municipality


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.TRYGG_IMPORT_DIR = tmp_path / "imports"


def test_it_sets_up_falun_with_its_real_areas_and_police_data(db):
    falun = load_falun(io.StringIO())
    assert (falun.code, falun.name) == ("2080", "Falun")
    assert Area.objects.filter(municipality=falun, kind="deso").count() == 37
    crimes = PoliceCrime.objects.filter(municipality=falun)
    assert crimes.count() == 19901
    assert not crimes.filter(area__isnull=True).exists()
    assert crimes.dates("registered", "year").first().year == 2022
    assert PoliceEvent.objects.filter(municipality=falun).count() == 2
    assert BraStatistic.objects.filter(municipality=falun, geography="kommun").exists()


def test_it_gives_falun_accounts_that_can_see_police_data(db):
    load_falun(io.StringIO())
    for username in ("falun-samordnare", "falun-polis", "falun-analytiker"):
        user = authenticate(username=username, password="trygg-demo")
        assert user is not None
        assert access_municipality(user, "2080").can("police_data")


def test_it_changes_nothing_when_run_again(db):
    load_falun(io.StringIO())
    before = (ImportBatch.objects.count(), PoliceCrime.objects.aggregate(n=Sum("count"))["n"])
    out = io.StringIO()
    load_falun(out)
    after = (ImportBatch.objects.count(), PoliceCrime.objects.aggregate(n=Sum("count"))["n"])
    assert after == before
    assert out.getvalue() == ""


def test_it_adds_real_notices_and_bra_figures_to_sala_and_kungsor(sala, kungsor):
    from trygg.police.demo import load_police_extras

    load_police_extras(io.StringIO())
    assert PoliceEvent.objects.filter(municipality=sala).count() == 143
    assert PoliceEvent.objects.filter(municipality=kungsor).count() == 46
    assert BraStatistic.objects.filter(municipality=sala, year=2024).exists()
    out = io.StringIO()
    load_police_extras(out)
    assert out.getvalue() == ""

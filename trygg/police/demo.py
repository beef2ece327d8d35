"""Falun (kommun 2080): the demo's second municipality, with real police data.

Its DeSO 2025 areas, its police-reported crime registered 2022–2025, its police notices and
Brå's kommun indicators are real public data shipped in `data/` (see data/README.md), so that
every page of police data can be seen on real data. `trygg demo` calls `load_falun`; running it
again changes nothing and takes a moment. `load_police_extras` adds the real police notices
and Brå figures of Sala and Kungsör to those municipalities, when the demo has them.
"""

from pathlib import Path
from typing import Any

from trygg.areas.models import Area
from trygg.areas.services import import_areas
from trygg.demo.scenario import PASSWORD
from trygg.imports.engine import importer_for, run_import
from trygg.imports.kommuner import Targets
from trygg.imports.models import ImportBatch
from trygg.tenants.models import Membership, Municipality, Organisation, Role
from trygg.tenants.services import add_member, create_municipality, save_organisation

DATA = Path(__file__).parent / "data"
BRA_DATA = Path(__file__).parent.parent / "bra" / "data"
CODE, NAME, CENTRE = "2080", "Falun", (60.6065, 15.6355)
AREAS = DATA / "deso2025_falun_2080.geojson"
# (file, source), imported in this order.
FILES = (
    (DATA / "brott_per_deso_falun_2080_2022-2025.csv.gz", "police-crimes"),
    (DATA / "events_falun_2080.json", "police-events"),
    (BRA_DATA / "kommunindikatorer_falun_2080_2016-2025.csv.gz", "bra"),
)
ORGANISATIONS = {
    "kommun": ("Falu kommun, trygghetssamordning", Organisation.Kind.MUNICIPAL),
    "polis": ("Polisen LPO Falun", Organisation.Kind.POLICE),
}
# (username, role, organisation key); every demo account has the demo's password.
ACCOUNTS = (
    ("falun-samordnare", Role.COORDINATOR, "kommun"),
    ("falun-analytiker", Role.ANALYST, "kommun"),
    ("falun-polis", Role.POLICE, "polis"),
)


def load_falun(stdout: Any) -> Municipality:
    """Create Falun with its areas, accounts and real police data; idempotent."""
    falun = create_municipality(None, CODE, NAME, center=CENTRE)
    if not Area.objects.filter(municipality=falun, kind=Area.Kind.DESO).exists():
        result = import_areas(AREAS, falun, kind=Area.Kind.DESO)
        stdout.write(f"{NAME}: DeSO areas {result}")
    _accounts(falun)
    for path, source in FILES:
        _import_once(stdout, falun, path, source)
    return falun


# Real notices and Brå figures for the demo's other municipalities, when they exist.
EXTRAS = (
    (DATA / "events_sala_kungsor_2022-2026.json", "police-events"),
    (BRA_DATA / "anmalda_brott_sala_kungsor.csv", "bra"),
)
EXTRA_KOMMUNER = ("1981", "1960")


def load_police_extras(stdout: Any) -> None:
    """Sala's and Kungsör's real police notices and Brå figures, into those that exist here.

    Idempotent, like `load_falun`; a municipality that does not exist is left out.
    """
    for municipality in Municipality.objects.filter(code__in=EXTRA_KOMMUNER):
        for path, source in EXTRAS:
            _import_once(stdout, municipality, path, source)


def _accounts(municipality: Municipality) -> None:
    organisations = {}
    for key, (name, kind) in ORGANISATIONS.items():
        organisation = Organisation.objects.filter(municipality=municipality, name=name).first()
        if organisation is None:
            organisation = save_organisation(
                None, Organisation(municipality=municipality, name=name, kind=kind)
            )
        organisations[key] = organisation
    for username, role, key in ACCOUNTS:
        organisation = organisations[key]
        exists = Membership.objects.filter(
            user__username=username, organisation=organisation, role=role, active=True
        ).exists()
        if not exists:
            add_member(None, organisation, role, username=username, password=PASSWORD)


def _import_once(stdout: Any, municipality: Municipality, path: Path, source: str) -> None:
    """Import a shipped file unless it is already in place for the municipality."""
    done = ImportBatch.objects.filter(
        municipality=municipality,
        source=source,
        file_name=path.name,
        status=ImportBatch.Status.IMPORTED,
    ).exists()
    if done:
        return
    outcome = run_import(path, source=source, targets=Targets([municipality]), name=path.name)
    label = importer_for(source).label
    stdout.write(f"{municipality.name}: {label}: {outcome.counts}")

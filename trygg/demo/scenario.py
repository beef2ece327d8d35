"""The demo's story: who takes part in EST in Sala and Kungsör, and where trouble gathers.

Areas and places are real open data (see data/README.md); the events are synthetic.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
# Printed by `trygg demo`; every demo account has it.
PASSWORD = "trygg-demo"  # noqa: S105 (published with the demo)


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    organisation: str  # an Organisation key


@dataclass(frozen=True)
class Spot:
    """A named place where reports keep coming from."""

    place: str
    share: float  # relative share of the hot-spot events
    spread_m: float  # standard deviation of positions around the place, in metres
    categories: Mapping[str, float]  # category code (e.g. "SKA.KLO") -> relative weight


@dataclass(frozen=True)
class Scenario:
    code: str
    name: str
    center: tuple[float, float]
    areas: tuple[tuple[str, str], ...]  # (file in DATA, area kind), parents first
    places: tuple[tuple[str, str], ...]  # (file in DATA, default place kind)
    organisations: tuple[Organisation, ...]
    accounts: tuple[Account, ...]
    events_per_day: float  # on an average day
    seed: int
    spot_share: float = 0.0  # share of the everyday events that happen at the spots
    spots: tuple[Spot, ...] = ()
    cluster: Spot | None = None  # a problem growing over the last weeks
    walks: tuple[tuple[str, int], ...] = ()  # safety walks: (place, days ago)
    outside: int = 0  # events just outside the municipality, in no area
    villages: bool = False  # also events in the tätorter other than the main town
    towns: tuple[str, ...] = ()  # DeSO codes of the main town


SALA = Scenario(
    code="1981",
    name="Sala",
    center=(59.9211, 16.6057),
    areas=(
        ("regso2025_sala_1981.geojson", "regso"),
        ("deso2025_sala_1981.geojson", "deso"),
    ),
    places=(("tatorter_sala_1981.geojson", "tatort"), ("places_sala_1981.geojson", "ovrigt")),
    organisations=(
        Organisation("kommun", "Kommunstyrelsens förvaltning", "kommun"),
        Organisation("vard", "Vård och omsorg", "kommun"),
        Organisation("skola", "Bildning och lärande", "kommun"),
        Organisation("teknik", "Teknisk service", "kommun"),
        Organisation("polis", "Polisen LPO Norra Västmanland", "polis"),
        Organisation("bostad", "Salabostäder AB", "bostad"),
        Organisation("bevakning", "Trygghetsvakterna (demo)", "bevakning"),
        Organisation("raddning", "Räddningstjänsten Sala-Heby", "raddning"),
    ),
    accounts=(
        Account("rapportor", "rapportor", "bevakning"),
        Account("samordnare", "samordnare", "kommun"),
        Account("analytiker", "analytiker", "kommun"),
        Account("styrgrupp", "styrgrupp", "kommun"),
        Account("polis", "polis", "polis"),
        Account("admin", "admin", "kommun"),
        Account("rapportor-vard", "rapportor", "vard"),
        Account("rapportor-skola", "rapportor", "skola"),
        Account("rapportor-teknik", "rapportor", "teknik"),
        Account("rapportor-bostad", "rapportor", "bostad"),
        Account("rapportor-raddning", "rapportor", "raddning"),
    ),
    events_per_day=3.6,
    seed=1981,
    spot_share=0.55,
    spots=(
        Spot(
            "Stora torget",
            0.24,
            70,
            {"SAM.PAR": 5, "ORD.BER": 4, "SKA.KLO": 3, "ORD.VAL": 2, "PLA.NED": 2, "SKA.GLA": 2},
        ),
        Spot(
            "Sala resecentrum",
            0.22,
            80,
            {"SAM.PAR": 4, "ORD.NAR": 3, "ORD.BER": 3, "SKA.KLO": 3, "PLA.BEL": 2, "ORD.SOV": 2},
        ),
        Spot(
            "Kungsängsgymnasiet",
            0.12,
            90,
            {"SKA.KLO": 5, "SAM.SKO": 5, "SKA.GLA": 2, "ORD.NAR": 2, "DIG.RYK": 1},
        ),
        Spot("Vallaskolan", 0.10, 80, {"SKA.KLO": 5, "SKA.GLA": 4, "SAM.SKO": 4, "SKA.BRA": 1}),
        Spot("Ekebyskolan", 0.10, 80, {"SKA.KLO": 4, "SAM.SKO": 4, "SKA.GLA": 3, "PLA.BEL": 1}),
        Spot(
            "Ekebydalen",
            0.17,
            130,
            {"SAM.TRA": 4, "SKA.KLO": 3, "PLA.BEL": 3, "ORD.NAR": 3, "SAM.KAL": 2, "SKA.BSO": 2},
        ),
        Spot("Ösby naturbruksgymnasium", 0.05, 150, {"ORD.BUS": 3, "SKA.ANN": 2, "ORD.INB": 1}),
    ),
    cluster=Spot(
        "Stadsparken",
        1.0,
        60,
        {"SAM.PAR": 9, "SKA.KLO": 4, "ORD.NAR": 3, "PLA.NED": 2, "ORD.BER": 2},
    ),
    walks=(
        ("Vallaskolan", 480),
        ("Ekebyskolan", 36),  # in the autumn darkness
        ("Kungsängsgymnasiet", 200),
        ("Ösby naturbruksgymnasium", 190),
    ),
    outside=6,
    villages=True,
    towns=(
        "1981C1010",
        "1981C1020",
        "1981C1030",
        "1981C1040",
        "1981C1050",
        "1981C1060",
        "1981C1070",
    ),
)

KUNGSOR = Scenario(
    code="1960",
    name="Kungsör",
    center=(59.4227, 16.0960),
    areas=(("deso2025_kungsor_1960.geojson", "deso"),),
    places=(),
    organisations=(Organisation("kommun", "Kungsörs kommun", "kommun"),),
    accounts=(Account("kungsor-admin", "admin", "kommun"),),
    events_per_day=0.3,
    seed=1960,
    towns=("1960C1010", "1960C1020", "1960C1030"),
)

SCENARIOS = (SALA, KUNGSOR)

# What reporters note where no hot spot is: category code -> relative weight.
EVERYDAY = {
    "SKA.KLO": 10,
    "PLA.BEL": 8,
    "PLA.NED": 7,
    "SAM.PAR": 6,
    "SKA.ANN": 5,
    "SAM.TRA": 5,
    "ORD.BUS": 5,
    "ORD.BER": 4,
    "SKA.GLA": 4,
    "PLA.BUS": 4,
    "SAM.KOP": 3,
    "OVR": 3,
    "SKA.BSO": 2,
    "SKA.BCO": 2,
    "SAM.KAL": 2,
    "ORD.INB": 2,
    "ORD.VAL": 2,
    "ORD.PER": 2,
    "PLA.ODE": 2,
    "SKA.BFO": 1,
    "ORD.HOT": 1,
    "ORD.SOV": 1,
    "ARR.PLA": 1,
    "DIG.RYK": 1,
    "DIG.UPP": 1,
}
# What a safety walk finds.
WALK_FINDINGS = {"PLA.BEL": 4, "PLA.BUS": 3, "PLA.ODE": 2, "SKA.KLO": 2, "PLA.NED": 1}

# Month factors (January first) for categories that follow the seasons.
SEASONAL = {
    "PLA.BEL": (2.2, 1.8, 1.2, 0.6, 0.2, 0.1, 0.1, 0.3, 0.8, 1.5, 2.2, 2.5),
    "ORD.BUS": (0.3, 0.3, 0.6, 1.2, 1.6, 1.8, 1.8, 1.6, 1.2, 0.7, 0.4, 0.3),
    "SAM.PAR": (0.4, 0.4, 0.6, 1.0, 1.5, 1.8, 1.8, 1.6, 1.1, 0.7, 0.5, 0.4),
}

# Who reports what: category code, or its main category, -> organisation key -> weight.
REPORTERS = {
    "SKA": {"teknik": 4, "bostad": 3, "bevakning": 3, "skola": 1},
    "SKA.BSO": {"raddning": 5, "bostad": 2},
    "SKA.BCO": {"raddning": 5, "teknik": 1},
    "SKA.BFO": {"raddning": 5, "polis": 2},
    "SKA.BRA": {"raddning": 4, "skola": 2},
    "SAM": {"bevakning": 4, "polis": 3, "bostad": 2, "vard": 1},
    "SAM.SKO": {"skola": 5, "bevakning": 2, "polis": 1},
    "ORD": {"polis": 5, "bevakning": 3, "vard": 1, "bostad": 1},
    "ORD.PER": {"vard": 4, "skola": 2},
    "PLA": {"teknik": 3, "vard": 3, "bostad": 2, "bevakning": 1},
    "ARR": {"kommun": 3, "polis": 2},
    "DIG": {"skola": 2, "kommun": 2, "polis": 2},
    "OVR": {"vard": 1, "teknik": 1, "bevakning": 1},
}

# Short free texts, as reporters write them: about places and situations, never persons.
DESCRIPTIONS = {
    "SKA.KLO": ["Nytt klotter på fasaden.", "Taggar på busskuren och elskåpet."],
    "SKA.GLA": ["Krossad ruta vid entrén.", "Glassplitter på gångvägen."],
    "SKA.BSO": ["Brand i soprum, släckt av räddningstjänsten."],
    "SKA.BCO": ["Containerbrand, ingen spridning."],
    "SKA.BFO": ["Bilbrand på parkeringen."],
    "SKA.BRA": ["Anlagd brand vid förrådet."],
    "SKA.ANN": ["Sönderslagen bänk och papperskorg.", "Skadat staket."],
    "SAM.PAR": ["Större grupp samlad sent på kvällen, hög musik.", "Grupp med mopeder samlad."],
    "SAM.TRA": ["Personer som inte bor i huset samlas i trapphuset."],
    "SAM.KAL": ["Spår av övernattning i källarförrådet."],
    "SAM.KOP": ["Grupp samlad vid entrén till butiken, boende känner sig otrygga."],
    "SAM.SKO": ["Grupp samlad på skolgården efter skoltid."],
    "ORD.BER": ["Berusade personer, bråkigt.", "Flaskor och burkar kvar efter festande."],
    "ORD.NAR": ["Misstänkt försäljning av narkotika.", "Sprutor hittade i buskaget."],
    "ORD.VAL": ["Slagsmål, polis tillkallad."],
    "ORD.BUS": ["Buskörning med mopeder och A-traktorer."],
    "ORD.SOV": ["Olovlig sovplats i väntsalen."],
    "ORD.INB": ["Inbrott i förråd."],
    "PLA.BEL": ["Trasig belysning längs gångvägen.", "Mörkt vid cykelställen."],
    "PLA.BUS": ["Buskage skymmer sikten vid gångtunneln."],
    "PLA.NED": ["Mycket skräp efter helgen."],
    "PLA.ODE": ["Öde och mörk plats på kvällstid."],
    "DIG.RYK": ["Rykten på sociala medier om bråk."],
    "DIG.UPP": ["Uppmaning på sociala medier att samlas."],
}

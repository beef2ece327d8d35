"""The EST standard category taxonomy, seeded into every municipality with stable codes."""

from typing import TYPE_CHECKING

from .models import Category

if TYPE_CHECKING:
    from trygg.tenants.models import Municipality

# (code, Swedish name, English name, [(subcode, Swedish, English), ...])
STANDARD: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "SKA",
        "Skadegörelse",
        "Vandalism",
        [
            ("KLO", "Klotter", "Graffiti"),
            ("GLA", "Glaskross", "Broken glass"),
            ("BRA", "Brand/anlagd brand", "Fire/arson"),
            ("BSO", "Brand i soprum", "Fire in refuse room"),
            ("BCO", "Brand i container", "Fire in container"),
            ("BFO", "Brand i fordon", "Vehicle fire"),
            ("ANN", "Annan skadegörelse", "Other vandalism"),
        ],
    ),
    (
        "SAM",
        "Otrygghetsskapande samling av personer",
        "Gathering of people creating insecurity",
        [
            ("TRA", "Trapphus", "Stairwell"),
            ("KAL", "Källare/förråd", "Basement/storage"),
            ("GAR", "Garage", "Garage"),
            ("KOP", "Köpcentrum/butik", "Shopping centre/shop"),
            ("SKO", "Skola", "School"),
            ("PAR", "Park/utomhus", "Park/outdoors"),
        ],
    ),
    (
        "ORD",
        "Annat otrygghetsskapande eller ordningsstörande",
        "Other disorder or insecurity",
        [
            ("VAL", "Bråk/våld", "Fighting/violence"),
            ("HOT", "Hot", "Threats"),
            ("INB", "Inbrott", "Burglary"),
            ("RAN", "Rån", "Robbery"),
            ("NAR", "Misstänkt narkotikahantering", "Suspected drug dealing"),
            ("BER", "Berusning", "Drunkenness"),
            ("SOV", "Olovlig sovplats", "Unauthorised sleeping place"),
            ("BUS", "Buskörning", "Reckless driving"),
            ("PER", "Hot/incident mot personal", "Threat/incident against staff"),
        ],
    ),
    (
        "PLA",
        "Otrygg plats",
        "Unsafe place",
        [
            ("BEL", "Bristfällig belysning", "Poor lighting"),
            ("BUS", "Skymd sikt/buskage", "Blocked view/vegetation"),
            ("NED", "Nedskräpning", "Littering"),
            ("ODE", "Ödslig plats", "Deserted place"),
        ],
    ),
    (
        "ARR",
        "Arrangemang",
        "Event/arrangement",
        [
            ("PLA", "Planerat evenemang", "Planned event"),
            ("SKO", "Skolavslutning", "End of school"),
            ("MAT", "Match", "Match"),
            ("DEM", "Demonstration", "Demonstration"),
        ],
    ),
    (
        "DIG",
        "Ryktesspridning/sociala medier",
        "Rumours/social media",
        [
            ("RYK", "Ryktesspridning", "Rumours"),
            ("UPP", "Uppmaning till samling", "Call to gather"),
            ("HOT", "Hot på nätet", "Online threats"),
        ],
    ),
    ("OVR", "Övrigt", "Other", []),
]


def seed_categories(municipality: "Municipality") -> int:
    """Create the standard categories a municipality lacks. Never renames or revives."""
    created = 0
    for position, (code, name, name_en, subs) in enumerate(STANDARD):
        top, made = Category.objects.get_or_create(
            municipality=municipality,
            code=code,
            defaults={"name": name, "name_en": name_en, "position": position, "standard": True},
        )
        created += made
        for sub_position, (subcode, subname, subname_en) in enumerate(subs):
            _, made = Category.objects.get_or_create(
                municipality=municipality,
                code=f"{code}.{subcode}",
                defaults={
                    "name": subname,
                    "name_en": subname_en,
                    "parent": top,
                    "position": sub_position,
                    "standard": True,
                },
            )
            created += made
    return created

"""What Lag (2023:196) and Brå's guidance ask of the lägesbild and the action plan, and what
the current document still lacks. Automatic items check the data; human items check that
someone wrote the part. Each item says where it is filled in."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

AUTO, HUMAN = "auto", "human"
LAW, BRA = "Lag (2023:196)", "Brå"


def item(
    key: str, label: str, basis: str, kind: str, done: bool, where: str, note: str = ""
) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "basis": basis,
        "kind": kind,
        "done": bool(done),
        "where": where,
        "note": note,
    }


def items(snapshot: dict[str, Any], where: dict[str, str]) -> list[dict[str, Any]]:
    """The checklist of a snapshot; `where` maps "texts", "problems", "plan", "imports",
    "adopt" to the page where each is filled in."""
    s = snapshot["sections"]
    texts = snapshot["texts"]
    problems = snapshot["problems"]
    plan = snapshot["plan"]
    start = date.fromisoformat(snapshot["period"]["start"])
    end = date.fromisoformat(snapshot["period"]["end"])
    last = snapshot["last_adopted"]
    planned = {m["problem_id"] for m in plan}
    complete_measures = [m for m in plan if m["responsible"] and m["end"] and m["follow_up"]]
    return [
        item(
            "crime",
            _("Mapping: police-reported crime per category and area"),
            f"{LAW} 4 § 1",
            AUTO,
            s["police_crime"],
            where["imports"],
            _("Import the police's delivery of reported crime per DeSO."),
        ),
        item(
            "bra",
            _("Mapping: Brå's figures for the kommun"),
            f"{LAW} 4 § 1",
            AUTO,
            s["bra"],
            where["imports"],
            _("Import Brå's statistics for the kommun."),
        ),
        item(
            "reference",
            _("Comparison with the county and the whole country"),
            BRA,
            AUTO,
            s["bra"] and s["bra"]["has_reference"],
            where["imports"],
            _("Import Brå's figures with the county's and the country's rates."),
        ),
        item("est", _("Mapping: own EST reports"), f"{LAW} 4 § 1", AUTO, s["est"], where["texts"]),
        item(
            "consequences",
            _("The consequences of crime are described"),
            f"{LAW} 4 § 1",
            HUMAN,
            texts["consequences"],
            where["texts"],
        ),
        item(
            "ntu",
            _("Other information: survey results (NTU)"),
            f"{LAW} 4 § 2",
            AUTO,
            s["ntu"],
            where["imports"],
            _("Import Brå's NTU indicators for the kommun."),
        ),
        item(
            "dialogue",
            _("Other information: citizen dialogue"),
            f"{LAW} 4 § 2; {BRA}",
            AUTO,
            s["surveys"],
            where["texts"],
            _("No citizen-dialogue results for the period."),
        ),
        item(
            "walks",
            _("Other information: safety walks"),
            f"{LAW} 4 § 2; {BRA}",
            AUTO,
            s["walks"],
            where["texts"],
            _("No safety-walk findings for the period."),
        ),
        item(
            "events",
            _("Other information: police event notices"),
            f"{LAW} 4 § 2",
            AUTO,
            s["police_events"],
            where["imports"],
        ),
        item(
            "other",
            _("Other relevant information is described"),
            f"{LAW} 4 § 2",
            HUMAN,
            texts["other_information"],
            where["texts"],
        ),
        item(
            "problems", _("Priority problems are chosen"), BRA, HUMAN, problems, where["problems"]
        ),
        item(
            "causes",
            _("A cause analysis for every priority problem"),
            f"{LAW} 4 § 3; {BRA}",
            HUMAN,
            problems and all(p["has_cause_analysis"] for p in problems),
            where["problems"],
            _("Place, offender and target for each problem."),
        ),
        item(
            "analysis",
            _("The analysis of the mapping is written"),
            f"{LAW} 4 § 3",
            HUMAN,
            texts["analysis"],
            where["texts"],
        ),
        item("summary", _("A summary is written"), BRA, HUMAN, texts["summary"], where["texts"]),
        item(
            "measures",
            _("Every priority problem has a measure"),
            f"{LAW} 5 §; {BRA}",
            HUMAN,
            problems and all(p["id"] in planned for p in problems),
            where["plan"],
        ),
        item(
            "measure_detail",
            _("Every measure has a responsible party, an end and a follow-up"),
            BRA,
            HUMAN,
            plan and len(complete_measures) == len(plan),
            where["plan"],
        ),
        item(
            "follow_up",
            _("How the plan is followed up is described"),
            BRA,
            HUMAN,
            texts["follow_up"],
            where["texts"],
        ),
        item(
            "police",
            _("Prepared together with the police"),
            LAW,
            HUMAN,
            texts["police_cooperation"],
            where["texts"],
        ),
        item(
            "two_years",
            _("The period covers at most two years"),
            f"{LAW} 4 §",
            AUTO,
            (end - start).days <= 731,
            where["texts"],
        ),
        item(
            "biennial",
            _("A lägesbild was adopted within the last two years"),
            LAW,
            AUTO,
            last and (end - date.fromisoformat(last)).days <= 731,
            where["adopt"],
            _("Adopt a lägesbild at least every second year."),
        ),
        item(
            "adopted",
            _("The action plan is adopted"),
            f"{LAW} 5 §",
            HUMAN,
            snapshot["adopted"],
            where["adopt"],
        ),
    ]


def missing(checklist: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in checklist if not i["done"]]

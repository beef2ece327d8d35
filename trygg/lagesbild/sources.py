"""The data of the lägesbild, one function per source; each registers its numbers in a Ledger.

Every section is a JSON-serialisable dict (it goes into the adopted version's snapshot
unchanged), or None when the source has no data for the period: the checklist reports it as
a data gap. `survey_section` and `walk_section` are where the citizen-dialogue surveys
(`trygg.surveys`) and the safety walks (`trygg.walks`) are wired in.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from trygg.analysis.trends import compare_counts
from trygg.areas.models import Area
from trygg.bra.importers import TOTAL, UNIT_COUNT, UNIT_PER_100K
from trygg.bra.models import BraStatistic
from trygg.police.codes import CrimeKey
from trygg.police.models import PoliceCrime, PoliceEvent
from trygg.reports.models import Event
from trygg.tenants.models import Municipality

from .ledger import Ledger, batches_of

TOP = 10


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before start–end."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def period_label(start: date, end: date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"


def trend(current: int, previous: int) -> dict[str, Any]:
    """The change against the previous period, with its exact test (trygg.analysis.trends)."""
    c = compare_counts(current, previous)
    return {
        "change_pct": None if c.change_pct is None else round(c.change_pct),
        "p": round(c.p, 3),
        "significant": c.p < 0.05 and previous > 0,
        "no_baseline": previous == 0,
    }


# 1. The mapping of crime ----------------------------------------------------------------


def police_crime_section(
    m: Municipality, start: date, end: date, ledger: Ledger
) -> dict[str, Any] | None:
    """Police-reported crime registered in the period: per category, per area, per year."""
    rows = PoliceCrime.objects.filter(municipality=m, registered__gte=start, registered__lte=end)
    if not rows.exists():
        return None
    key = CrimeKey.of(m)
    dataset = _("Police-reported crime per DeSO (the police's delivery)")
    batches = batches_of(rows)
    period = period_label(start, end)
    base = {"municipality_id": m.pk}
    codes = set(rows.values_list("crime_code", flat=True).distinct().order_by())
    not_crimes = sorted(c for c in codes if not key.is_crime(c))
    exclude = {"crime_code__in": not_crimes} if not_crimes else {}

    def add(value: int, label: str, lookups: dict[str, Any], p: str = period) -> dict[str, Any]:
        return ledger.add(
            value,
            label,
            dataset=dataset,
            model="police.PoliceCrime",
            filter=base | lookups,
            exclude=exclude,
            aggregate="sum:count",
            batches=batches,
            period=p,
        )

    span = {"registered__gte": start.isoformat(), "registered__lte": end.isoformat()}
    crimes = rows.exclude(crime_code__in=not_crimes)
    total = crimes.aggregate(n=Sum("count"))["n"] or 0
    p_start, p_end = previous_period(start, end)
    before = (
        PoliceCrime.objects.filter(municipality=m, registered__gte=p_start, registered__lte=p_end)
        .exclude(crime_code__in=not_crimes)
        .aggregate(n=Sum("count"))["n"]
        or 0
    )
    by_code = dict(crimes.values_list("crime_code").annotate(n=Sum("count")).order_by())
    by_category: dict[str, list[str]] = defaultdict(list)
    for code in by_code:
        by_category[key.group_of(code, "category")].append(code)
    categories = sorted(
        ((sum(by_code[c] for c in cs), name, sorted(cs)) for name, cs in by_category.items()),
        reverse=True,
    )
    p_span = {"registered__gte": p_start.isoformat(), "registered__lte": p_end.isoformat()}
    p_label = period_label(p_start, p_end)
    before_by_code = dict(
        PoliceCrime.objects.filter(municipality=m, registered__gte=p_start, registered__lte=p_end)
        .values_list("crime_code")
        .annotate(n=Sum("count"))
        .order_by()
    )
    category_rows = []
    for n, name, cs in categories:
        earlier = sum(before_by_code.get(c, 0) for c in cs)
        category_rows.append(
            {
                "label": name,
                "n": add(n, name, span | {"crime_code__in": cs}),
                "previous": add(earlier, name, p_span | {"crime_code__in": cs}, p_label),
                "trend": trend(n, earlier),
            }
        )
    by_area = crimes.values_list("area_id").annotate(n=Sum("count")).order_by("-n")
    names = {a.pk: a.label for a in Area.objects.filter(municipality=m)}
    area_rows = [
        {
            "label": names.get(a, _("no area")),
            "area_id": a,
            "n": add(n, names.get(a, ""), span | {"area_id": a}),
        }
        for a, n in list(by_area)[:TOP]
    ]
    by_year = (
        crimes.values_list("registered__year").annotate(n=Sum("count")).order_by("registered__year")
    )
    year_rows = [
        {"label": str(y), "n": add(n, str(y), span | {"registered__year": y})} for y, n in by_year
    ]
    return {
        "total": add(total, _("police-reported crimes"), span),
        "previous": add(
            before,
            _("police-reported crimes, previous period"),
            {"registered__gte": p_start.isoformat(), "registered__lte": p_end.isoformat()},
            period_label(p_start, p_end),
        ),
        "trend": trend(total, before),
        "categories": category_rows,
        "areas": area_rows,
        "years": year_rows,
        "by_area": {str(a): n for a, n in by_area if a is not None},
    }


def bra_section(m: Municipality, start: date, end: date, ledger: Ledger) -> dict[str, Any] | None:
    """Brå's reported crime for the kommun, with the county's and the country's rates."""
    stats = BraStatistic.objects.filter(municipality=m, measure="value")
    rated = stats.filter(unit__in=(UNIT_COUNT, UNIT_PER_100K), year__lte=end.year)
    years = sorted(set(rated.filter(geography="kommun").values_list("year", flat=True)))
    if not years:
        return None
    year = years[-1]
    dataset = _("Brå: reported crime per kommun")

    def fig(row: BraStatistic) -> dict[str, Any]:
        label = f"{row.geography_name} {row.year} {row.variable} ({row.unit})"
        return ledger.add(
            row.value,
            label,
            dataset=f"{dataset}: {row.source}",
            model="bra.BraStatistic",
            filter={"pk": row.pk},
            aggregate="value",
            batches=batches_of(BraStatistic.objects.filter(pk=row.pk)),
            period=str(row.year),
        )

    found: dict[tuple[str, str, str], BraStatistic] = {}
    for row in rated.filter(year=year).order_by("source", "id"):
        found.setdefault((row.variable, row.geography, row.unit), row)
    variables = sorted({v for v, g, _u in found if g == "kommun"}, key=lambda v: (v != TOTAL, v))
    rows = []
    for variable in variables:
        cell: dict[str, Any] = {"variable": variable}
        for name, geo, unit in (
            ("count", "kommun", UNIT_COUNT),
            ("kommun_rate", "kommun", UNIT_PER_100K),
            ("county_rate", "county", UNIT_PER_100K),
            ("national_rate", "national", UNIT_PER_100K),
        ):
            found_row = found.get((variable, geo, unit))
            cell[name] = fig(found_row) if found_row else None
        rows.append(cell)
    history: list[dict[str, Any]] = []
    for row in rated.filter(
        variable=TOTAL, unit=UNIT_PER_100K, geography="kommun", year__gte=year - 9
    ).order_by("year", "source", "id"):
        if not history or history[-1]["label"] != str(row.year):
            history.append({"label": str(row.year), "n": fig(row)})
    has_reference = any(r["county_rate"] or r["national_rate"] for r in rows)
    return {"year": year, "rows": rows, "history": history, "has_reference": has_reference}


def est_section(m: Municipality, start: date, end: date, ledger: Ledger) -> dict[str, Any] | None:
    """The EST group's own reports (events, merged duplicates left out) in the period."""
    span = {
        "observed_from__date__gte": start.isoformat(),
        "observed_from__date__lte": end.isoformat(),
    }
    base = {"municipality_id": m.pk, "duplicate_of__isnull": True}
    events = Event.objects.filter(**base, **span)
    total = events.count()
    if not total:
        return None
    dataset = _("Own EST reports (events, duplicates left out)")
    period = period_label(start, end)

    def add(value: int, label: str, lookups: dict[str, Any], p: str = period) -> dict[str, Any]:
        return ledger.add(
            value, label, dataset=dataset, model="reports.Event", filter=base | lookups, period=p
        )

    p_start, p_end = previous_period(start, end)
    p_span = {
        "observed_from__date__gte": p_start.isoformat(),
        "observed_from__date__lte": p_end.isoformat(),
    }
    before = Event.objects.filter(**base, **p_span).count()
    by_category = events.values_list("category__code", "category__name").annotate(n=Count("pk"))
    category_rows = [
        {
            "label": f"{code} {name}",
            "code": code,
            "n": add(n, f"{code} {name}", span | {"category__code": code}),
        }
        for code, name, n in by_category.order_by("-n", "category__code")
    ]
    by_area = events.values_list("area_id").annotate(n=Count("pk")).order_by("-n", "area_id")
    names = {a.pk: a.label for a in Area.objects.filter(municipality=m)}
    area_rows = [
        {
            "label": names.get(a, _("outside every area")),
            "area_id": a,
            "n": add(n, names.get(a, _("outside every area")), span | {"area_id": a}),
        }
        for a, n in list(by_area)[:TOP]
    ]
    months: Counter[str] = Counter()
    for when in events.values_list("observed_from", flat=True):
        months[f"{when:%Y-%m}"] += 1
    return {
        "total": add(total, _("own EST reports"), span),
        "previous": add(
            before, _("own EST reports, previous period"), p_span, period_label(p_start, p_end)
        ),
        "trend": trend(total, before),
        "categories": category_rows,
        "areas": area_rows,
        "months": sorted(months.items()),
        "by_area": {str(a): n for a, n in by_area if a is not None},
    }


# 2. Other relevant information -----------------------------------------------------------


def ntu_section(m: Municipality, start: date, end: date, ledger: Ledger) -> dict[str, Any] | None:
    """Brå's survey (NTU) indicators: the latest year up to the period's end."""
    rate_units = (UNIT_COUNT, UNIT_PER_100K)
    stats = BraStatistic.objects.filter(municipality=m, measure="value", year__lte=end.year)
    stats = stats.exclude(unit__in=rate_units)
    years = sorted(set(stats.filter(geography="kommun").values_list("year", flat=True)))
    if not years:
        return None
    year = years[-1]
    found: dict[tuple[str, str], BraStatistic] = {}
    for row in stats.filter(year=year).order_by("source", "id"):
        found.setdefault((row.variable, row.geography), row)
    rows = []
    for variable in sorted({v for v, g in found if g == "kommun"}):
        cell: dict[str, Any] = {"variable": variable}
        for geo in ("kommun", "county", "national"):
            r = found.get((variable, geo))
            cell[geo] = (
                ledger.add(
                    r.value,
                    f"{r.geography_name} {r.year} {r.variable}",
                    dataset=_("Brå: the national safety survey (NTU)"),
                    model="bra.BraStatistic",
                    filter={"pk": r.pk},
                    aggregate="value",
                    batches=batches_of(BraStatistic.objects.filter(pk=r.pk)),
                    period=str(r.year),
                )
                if r
                else None
            )
        cell["unit"] = found[(variable, "kommun")].unit
        rows.append(cell)
    return {"year": year, "rows": rows}


def police_event_section(
    m: Municipality, start: date, end: date, ledger: Ledger
) -> dict[str, Any] | None:
    """The police's public notices in the period, per type: a selection, never a crime rate."""
    span = {"occurred_at__date__gte": start.isoformat(), "occurred_at__date__lte": end.isoformat()}
    base = {"municipality_id": m.pk, "is_summary": False}
    events = PoliceEvent.objects.filter(**base, **span)
    total = events.count()
    if not total:
        return None
    dataset = _("The police's public event notices")
    batches = batches_of(events)
    period = period_label(start, end)
    by_type = events.values_list("event_type").annotate(n=Count("pk")).order_by("-n", "event_type")
    return {
        "total": ledger.add(
            total,
            _("police event notices"),
            dataset=dataset,
            model="police.PoliceEvent",
            filter=base | span,
            batches=batches,
            period=period,
        ),
        "types": [
            {
                "label": t,
                "n": ledger.add(
                    n,
                    t,
                    dataset=dataset,
                    model="police.PoliceEvent",
                    filter=base | span | {"event_type": t},
                    batches=batches,
                    period=period,
                ),
            }
            for t, n in list(by_type)[:TOP]
        ],
    }


def survey_section(
    m: Municipality, start: date, end: date, ledger: Ledger
) -> dict[str, Any] | None:
    """The citizen dialogue's survey results (trygg.surveys `public_results`), when wired in.

    The lead wires this to `trygg.surveys` after merging; until then: no data (a data gap).
    Return None when there is nothing for the period, else {"rows": [{"label": str, "n":
    ledger.add(value, label, dataset=..., model="surveys.<Model>", filter={...},
    aggregate="count" | "sum:<field>" | "value", period=...)}]}: each number registered with
    the query that computes it again, so that tests/test_lagesbild.py can check it.
    """
    return None


def walk_section(m: Municipality, start: date, end: date, ledger: Ledger) -> dict[str, Any] | None:
    """The safety walks' findings (trygg.walks `walk_findings_summary`), when wired in.

    The lead wires this to `trygg.walks` after merging; until then: no data (a data gap).
    Same shape as `survey_section`: None, or {"rows": [{"label": str, "n": ledger.add(...)}]}.
    """
    return None


# 3. The analysis: each problem's development ----------------------------------------------


def problem_development(
    m: Municipality, problem: Any, start: date, end: date, ledger: Ledger
) -> dict[str, Any]:
    """The problem's own reports in its areas and categories, against the previous period."""
    area_ids = sorted(a.pk for a in problem.areas.all())
    lookups: dict[str, Any] = {"municipality_id": m.pk, "duplicate_of__isnull": True}
    if area_ids:
        lookups["area_id__in"] = area_ids
    codes = problem.category_codes()
    if codes:
        lookups["category__code__in"] = codes
    p_start, p_end = previous_period(start, end)
    out: dict[str, Any] = {}
    for name, (s, e) in (("current", (start, end)), ("previous", (p_start, p_end))):
        span = {
            "observed_from__date__gte": s.isoformat(),
            "observed_from__date__lte": e.isoformat(),
        }
        n = Event.objects.filter(**lookups, **span).count()
        out[name] = ledger.add(
            n,
            f"{problem.title}: {_('own EST reports')}",
            dataset=_("Own EST reports (events, duplicates left out)"),
            model="reports.Event",
            filter=lookups | span,
            period=period_label(s, e),
        )
    out["trend"] = trend(out["current"]["value"], out["previous"]["value"])
    return out


def problem_crimes(
    m: Municipality, problem: Any, start: date, end: date, ledger: Ledger
) -> dict[str, Any] | None:
    """Police-reported crime of the problem's crime types in its areas, against the previous
    period; None without areas or crime data."""
    area_ids = sorted(a.pk for a in problem.areas.all())
    rows = PoliceCrime.objects.filter(municipality=m, area_id__in=area_ids)
    if not area_ids or not rows.exists():
        return None
    key = CrimeKey.of(m)
    present = set(rows.values_list("crime_code", flat=True).distinct().order_by())
    types = set(problem.crime_type_names())
    codes = sorted(
        c
        for c in present
        if key.is_crime(c)
        and (not types or {key.group_of(c, "category"), key.group_of(c, "detail")} & types)
    )
    lookups = {"municipality_id": m.pk, "area_id__in": area_ids, "crime_code__in": codes}
    p_start, p_end = previous_period(start, end)
    out: dict[str, Any] = {}
    for name, (s, e) in (("current", (start, end)), ("previous", (p_start, p_end))):
        span = {"registered__gte": s.isoformat(), "registered__lte": e.isoformat()}
        found = PoliceCrime.objects.filter(**lookups, **span)
        out[name] = ledger.add(
            found.aggregate(n=Sum("count"))["n"] or 0,
            f"{problem.title}: {_('police-reported crimes')}",
            dataset=_("Police-reported crime per DeSO (the police's delivery)"),
            model="police.PoliceCrime",
            filter=lookups | span,
            aggregate="sum:count",
            batches=batches_of(found),
            period=period_label(s, e),
        )
    out["trend"] = trend(out["current"]["value"], out["previous"]["value"])
    return out

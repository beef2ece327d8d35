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
from trygg.disclosure import THRESHOLD, protect
from trygg.police.codes import CrimeKey
from trygg.police.models import PoliceCrime, PoliceEvent
from trygg.reports.models import Event
from trygg.surveys.models import Survey
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
    category_rows: list[dict[str, Any]] = []
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
    total_ref = add(total, _("police-reported crimes"), span)
    previous_ref = add(
        before,
        _("police-reported crimes, previous period"),
        {"registered__gte": p_start.isoformat(), "registered__lte": p_end.isoformat()},
        period_label(p_start, p_end),
    )
    # Each column adds up to the period's total: suppress small cells, and more when needed.
    _protect_column(ledger, [r["n"] for r in category_rows], total_ref)
    _protect_column(ledger, [r["previous"] for r in category_rows], previous_ref)
    for r in category_rows:
        if r["n"].get("hidden") or r["previous"].get("hidden"):
            r["trend"] = None
    # Hidden categories last, by name: their place in the order tells nothing of their size.
    category_rows = [r for r in category_rows if not r["n"].get("hidden")] + sorted(
        (r for r in category_rows if r["n"].get("hidden")), key=lambda r: r["label"]
    )
    by_area = list(crimes.values_list("area_id").annotate(n=Sum("count")).order_by("-n", "area_id"))
    names = {a.pk: a.label for a in Area.objects.filter(municipality=m)}
    all_areas: list[dict[str, Any]] = [
        {
            "label": names.get(a, _("no area")),
            "area_id": a,
            "n": add(n, names.get(a, _("no area")), span | {"area_id": a}),
        }
        for a, n in by_area
    ]
    _protect_column(ledger, [r["n"] for r in all_areas], total_ref)
    # The largest shown areas by count; hidden ones after them by name, so that their place
    # in the order tells nothing of their size.
    shown_areas = [r for r in all_areas if not r["n"].get("hidden")][:TOP]
    hidden_areas = sorted((r for r in all_areas if r["n"].get("hidden")), key=lambda r: r["label"])
    by_year = (
        crimes.values_list("registered__year").annotate(n=Sum("count")).order_by("registered__year")
    )
    year_rows: list[dict[str, Any]] = [
        {"label": str(y), "n": add(n, str(y), span | {"registered__year": y})} for y, n in by_year
    ]
    _protect_column(ledger, [r["n"] for r in year_rows], total_ref)
    if total_ref.get("hidden") or previous_ref.get("hidden"):
        trend_all = None
    else:
        trend_all = trend(total, before)
    figures = [total_ref, previous_ref, *(r["n"] for r in all_areas + year_rows)]
    figures += [f for r in category_rows for f in (r["n"], r["previous"])]
    return {
        "total": total_ref,
        "previous": previous_ref,
        "trend": trend_all,
        "categories": category_rows,
        "areas": shown_areas + hidden_areas,
        "years": year_rows,
        "suppressed": any(f.get("hidden") for f in figures),
    }


def _protect_column(ledger: Ledger, cells: list[dict[str, Any]], total: dict[str, Any]) -> None:
    """Hide the cells of a column that adds up to `total` by trygg.disclosure's rule: counts
    1–4, then more cells until the total minus the shown ones tells none of them, or the
    total itself when nothing else is enough."""
    line = protect([int(c["value"]) for c in cells])
    for i in line.small:
        ledger.hide(cells[i], "small")
    for i in line.complementary:
        ledger.hide(cells[i], "complementary")
    if line.total_hidden:
        ledger.hide(total, "complementary")


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
    """The citizen dialogue's survey rounds open in the period (trygg.surveys): answers, and
    for the safety questions the share in the outcome, for the kommun and per area, as the
    survey's own results give them (groups under 10 answers hidden, trygg.analysis.surveys).

    Each row is the count in the outcome "of" the answers (don't know left out), both
    registered with their query; the share and its 95 % interval are worked from the two.
    None when no round with answers was open in the period.
    """
    from trygg.surveys.questions import BY_CODE
    from trygg.surveys.results import PUBLIC_QUESTIONS, results

    rounds = Survey.objects.filter(
        municipality=m, opens_on__lte=end, closes_on__gte=start, responses__isnull=False
    ).distinct()
    dataset = _("Citizen-dialogue survey (Trygg)")
    rows: list[dict[str, Any]] = []
    for survey in rounds.order_by("opens_on", "pk"):
        result = results(survey)
        total = result["respondents"]["total"]
        if total is None:
            continue  # fewer than 10 answers in all: nothing can be shown
        period = period_label(survey.opens_on, survey.closes_on)
        base = {"response__survey_id": survey.pk}
        rows.append(
            {
                "label": _("%(title)s: answers") % {"title": survey.title},
                "n": ledger.add(
                    total,
                    _("%(title)s: answers") % {"title": survey.title},
                    dataset=dataset,
                    model="surveys.Response",
                    filter={"survey_id": survey.pk},
                    period=period,
                ),
            }
        )
        for qr in result["questions"]:
            if qr.question.code not in PUBLIC_QUESTIONS:
                continue
            question = BY_CODE[qr.question.code]
            groups: list[tuple[Any, dict[str, Any]]] = [(qr.total, {})]
            groups += [
                (g, {"response__area_id": a.pk})
                for a, g in zip(result["areas"], qr.groups, strict=True)
            ]
            for group, lookups in groups:
                if group.hidden:
                    continue
                label = f"{survey.title}: {question.short}, {group.label}"
                answered = base | lookups | {"question": question.code, "value__gt": 0}
                outcome = answered | {"value__gte": question.cut}
                common: dict[str, Any] = {
                    "dataset": dataset,
                    "model": "surveys.Answer",
                    "period": period,
                }
                rows.append(
                    {
                        "label": label,
                        "n": ledger.add(
                            group.k, f"{label} ({question.outcome})", filter=outcome, **common
                        ),
                        "of": ledger.add(
                            group.n, f"{label} ({_('answers')})", filter=answered, **common
                        ),
                        "note": _("%(share)s %%, 95 %% interval %(low)s–%(high)s %%")
                        % {
                            "share": round(group.share),
                            "low": round(group.low),
                            "high": round(group.high),
                        },
                    }
                )
    return {"rows": rows} if rows else None


def walk_section(m: Municipality, start: date, end: date, ledger: Ledger) -> dict[str, Any] | None:
    """The safety walks done in the period (trygg.walks `walk_findings_summary`): walks,
    findings per category and area, actions agreed at the feedback meetings and done.
    Findings are places, not persons, and the walks are public events: counts are exact.
    None when no walk was done in the period."""
    from trygg.walks.reads import walk_findings_summary

    summary = walk_findings_summary(m, start, end)
    if not summary["walks"]:
        return None
    dataset = _("Safety walks (Trygg)")
    period = period_label(start, end)
    done = {
        "municipality_id": m.pk,
        "date__gte": start.isoformat(),
        "date__lte": end.isoformat(),
    }
    walked = {"status__in": ["done", "followed_up"]}
    finding = {f"walk__{k}": v for k, v in (done | walked).items()}
    agreed = {f"walk__{k}": v for k, v in (done | walked).items()}

    def add(value: int, label: str, model: str, lookups: dict[str, Any]) -> dict[str, Any]:
        return ledger.add(value, label, dataset=dataset, model=model, filter=lookups, period=period)

    rows = [
        {
            "label": _("Safety walks done"),
            "n": add(summary["walks"], _("Safety walks done"), "walks.SafetyWalk", done | walked),
        },
        {
            "label": _("Findings"),
            "n": add(summary["findings"], _("Findings"), "walks.Finding", finding),
        },
    ]
    categories = dict(_finding_categories(finding))
    for label, n in summary["by_category"]:
        lookups = categories.get(label)
        if lookups is None:
            continue
        text = _("Findings: %(category)s") % {"category": label}
        rows.append({"label": text, "n": add(n, text, "walks.Finding", finding | lookups)})
    areas = dict(_finding_areas(finding))
    for label, n in summary["by_area"]:
        lookups = areas.get(label)
        if lookups is None:
            continue
        shown = _("no area") if label == "–" else label
        text = _("Findings in %(area)s") % {"area": shown}
        rows.append({"label": text, "n": add(n, text, "walks.Finding", finding | lookups)})
    rows.append(
        {
            "label": _("Actions agreed at the feedback meetings"),
            "n": add(
                summary["actions_agreed"],
                _("Actions agreed at the feedback meetings"),
                "walks.AgreedAction",
                agreed,
            ),
        }
    )
    rows.append(
        {
            "label": _("of them done"),
            "n": add(
                summary["actions_done"],
                _("Agreed actions done"),
                "walks.AgreedAction",
                agreed | {"action__status": "done"},
            ),
        }
    )
    return {"rows": rows}


def _finding_areas(finding: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The area label of each finding ("–" for none, as walk_findings_summary names it),
    with the lookups that select the findings of that label."""
    from trygg.walks.models import Finding

    out: dict[str, dict[str, Any]] = {}
    for f in Finding.objects.filter(**finding).select_related("event__area"):
        area = f.event.area
        if area:
            out.setdefault(area.label, {"event__area_id": area.pk})
        else:
            out.setdefault("–", {"event__area__isnull": True})
    return list(out.items())


def _finding_categories(finding: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The display name of each finding's category (its subcategory when it has one), with
    the lookups that select the findings of that name."""
    from trygg.walks.models import Finding

    out: dict[str, dict[str, Any]] = {}
    for f in Finding.objects.filter(**finding).select_related(
        "event__category", "event__subcategory"
    ):
        if f.event.subcategory:
            out.setdefault(
                f.event.subcategory.display_name, {"event__subcategory_id": f.event.subcategory_id}
            )
        else:
            out.setdefault(
                f.event.category.display_name,
                {"event__category_id": f.event.category_id, "event__subcategory__isnull": True},
            )
    return list(out.items())


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
        if 0 < out[name]["value"] < THRESHOLD:  # one area group × crime types: a small cell
            ledger.hide(out[name], "small")
    hidden = out["current"].get("hidden") or out["previous"].get("hidden")
    out["trend"] = None if hidden else trend(out["current"]["value"], out["previous"]["value"])
    return out

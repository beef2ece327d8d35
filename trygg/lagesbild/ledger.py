"""Every number of the lägesbild with where it comes from: dataset, import batches, filter.

A figure is registered with the query that gives it (a model, a filter and an exclusion as
Django lookups, and an aggregate), so that anyone can compute it again from the data: the
document's appendix "Källor och beräkningar" lists them, and `compute` runs the query.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Sum

from trygg.imports.models import ImportBatch


@dataclass
class Figure:
    id: str
    value: float
    label: str
    dataset: str
    model: str
    filter: dict[str, Any]
    exclude: dict[str, Any] = field(default_factory=dict)
    aggregate: str = "count"  # "count", "sum:<field>" or "value" (one row's `value`)
    batches: list[dict[str, Any]] = field(default_factory=list)
    period: str = ""
    # "small" (a count 1–4, shown "<5") or "complementary" (hidden so that a "<5" cannot be
    # worked out from the total, shown "×"): trygg.disclosure. The value stays in the
    # snapshot, which only staff read; every rendering shows the marker instead.
    hidden: str = ""


class Ledger:
    def __init__(self) -> None:
        self.figures: list[Figure] = []

    def add(
        self,
        value: float,
        label: str,
        *,
        dataset: str,
        model: str,
        filter: dict[str, Any],
        exclude: dict[str, Any] | None = None,
        aggregate: str = "count",
        batches: list[dict[str, Any]] | None = None,
        period: str = "",
    ) -> dict[str, Any]:
        """Register a figure; returns {"id", "value"} for the document's tables and text."""
        figure = Figure(
            f"F{len(self.figures) + 1}",
            value,
            str(label),
            str(dataset),
            model,
            filter,
            exclude or {},
            aggregate,
            batches or [],
            period,
        )
        self.figures.append(figure)
        return {"id": figure.id, "value": value}

    def hide(self, ref: dict[str, Any] | None, reason: str) -> None:
        """Show the figure `ref` (as returned by `add`) as a marker, never its value."""
        if ref is None:
            return
        ref["hidden"] = reason
        next(f for f in self.figures if f.id == ref["id"]).hidden = reason

    def as_list(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.figures]


def compute(figure: dict[str, Any]) -> float:
    """The figure's value, computed again from its query."""
    rows = apps.get_model(figure["model"]).objects.filter(**figure["filter"])
    if figure["exclude"]:
        rows = rows.exclude(**figure["exclude"])
    aggregate = figure["aggregate"]
    if aggregate == "count":
        return rows.aggregate(n=Count("pk"))["n"]
    if aggregate.startswith("sum:"):
        return rows.aggregate(n=Sum(aggregate[4:]))["n"] or 0
    return rows.get().value


def batches_of(rows: Any) -> list[dict[str, Any]]:
    """The import batches the rows came from: id, file and when imported."""
    ids = set(rows.values_list("batch_id", flat=True).distinct().order_by())
    return [
        {
            "id": b.pk,
            "file": b.file_name,
            "imported": b.imported_at.isoformat() if b.imported_at else "",
        }
        for b in ImportBatch.objects.filter(pk__in=ids).order_by("pk")
    ]

"""The lägesbild as an editable Word document (python-docx): real headings, tables, images.

The same context as the HTML; each number carries its figure number ("F12") in superscript,
which the appendix "Källor och beräkningar" explains.
"""

import base64
import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .templatetags.lagesbild import query, shown, signed


def suppressed_note() -> str:
    """The same text as the HTML's note under the police tables."""
    return _(
        "Counts from 1 to 4 in an area or a category are shown as “<5”, and “×” marks a count "
        "hidden so that a “<5” cannot be worked out from the total: the document is public "
        "and a small count could point out a person. The totals for the whole kommun are "
        "exact, as in Brå's public statistics."
    )


def document_docx(ctx: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.shared import Cm

    s, sections, texts = ctx["s"], ctx["sections"], ctx["texts"]
    doc = Document()
    doc.core_properties.title = _("Situation report on crime and action plan")
    doc.core_properties.language = "sv-SE"
    doc.add_heading(_("Situation report on crime and action plan"), level=0)
    doc.add_paragraph(
        f"{s['municipality']['name']} ({s['municipality']['code']}) · "
        f"{_('Period')} {s['period']['start']} – {s['period']['end']}"
    )
    adopted = s.get("adopted")
    doc.add_paragraph(
        _("Adopted by %(by)s on %(on)s (version %(number)s).") % adopted
        if adopted
        else _("Draft: not adopted.")
    )

    def picture(name: str) -> None:
        png = s["graphics"]["png"].get(name)
        if png:
            doc.add_picture(io.BytesIO(base64.b64decode(png)), width=Cm(15))
            doc.add_paragraph(ctx["titles"][name], style="Caption")

    def text(value: str, hint: str) -> None:
        if value:
            for para in value.split("\n\n"):
                doc.add_paragraph(para)
        else:
            doc.add_paragraph(_("To be written:") + " " + hint)

    def figure_table(caption: str, head: list[str], rows: list[list[Any]]) -> None:
        doc.add_paragraph(caption, style="Caption")
        table = doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, head, strict=True):
            cell.text = label
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                if isinstance(value, dict):
                    paragraph = cell.paragraphs[0]
                    paragraph.add_run(shown(value))
                    paragraph.add_run(value["id"]).font.superscript = True
                else:
                    cell.text = "–" if value is None else str(value)

    def change(t: dict[str, Any] | None) -> str:
        if t is None or t["no_baseline"]:
            return "–"
        return signed(t["change_pct"]) + ("*" if t["significant"] else "")

    def n(f: dict[str, Any] | None) -> str:
        return f"{shown(f)} [{f['id']}]" if f else "–"

    doc.add_heading(_("Summary"), level=1)
    text(texts["summary"], _("a summary of the situation and the priorities"))

    doc.add_heading("1. " + _("Mapping of crime, its extent and consequences"), level=1)
    doc.add_heading("1.1 " + _("Police-reported crime"), level=2)
    c = sections["police_crime"]
    if c:
        doc.add_paragraph(
            f"{_('Registered in the period:')} {n(c['total'])}; "
            f"{_('the previous period of the same length:')} {n(c['previous'])}."
        )
        head = [
            _("Category"),
            _("Number"),
            _("Previous period"),
            pgettext("a table column: the change in per cent", "Change"),
        ]
        figure_table(
            _("Police-reported crime per category"),
            head,
            [[r["label"], r["n"], r["previous"], change(r["trend"])] for r in c["categories"]],
        )
        figure_table(
            _("The areas with the most police-reported crime"),
            [_("Area"), _("Number")],
            [[r["label"], r["n"]] for r in c["areas"]],
        )
        picture("crime_years")
        if c["suppressed"]:
            doc.add_paragraph(suppressed_note())
    else:
        doc.add_paragraph(
            _("No police-reported crime per area is imported for the period: a data gap.")
        )
    doc.add_heading(
        "1.2 " + _("Brå's statistics for the kommun, the county and the country"), level=2
    )
    b = sections["bra"]
    if b:
        head = [
            _("Crime"),
            _("Number in the kommun"),
            _("Per 100 000, kommun"),
            _("Per 100 000, county"),
            _("Per 100 000, country"),
        ]
        rows = [
            [r["variable"], r["count"], r["kommun_rate"], r["county_rate"], r["national_rate"]]
            for r in b["rows"]
        ]
        figure_table(_("Reported crime %(year)s (Brå)") % {"year": b["year"]}, head, rows)
        picture("bra_history")
    else:
        doc.add_paragraph(_("No Brå statistics are imported: a data gap."))
    doc.add_heading("1.3 " + _("Own EST reports"), level=2)
    e = sections["est"]
    if e:
        doc.add_paragraph(
            " ".join(
                [
                    _("Events reported by the EST group's reporters in the period:"),
                    n(e["total"]) + ";",
                    _("the previous period of the same length:"),
                    n(e["previous"]) + ".",
                ]
            )
        )
        figure_table(
            _("Own reports per category"),
            [_("Category"), _("Number")],
            [[r["label"], r["n"]] for r in e["categories"]],
        )
        figure_table(
            _("The areas with the most own reports"),
            [_("Area"), _("Number")],
            [[r["label"], r["n"]] for r in e["areas"]],
        )
        picture("est_months")
    picture("map")
    picture("map_detail")
    doc.add_heading("1.4 " + _("Consequences"), level=2)
    text(
        texts["consequences"],
        _("the consequences of crime for residents, businesses and the kommun"),
    )

    doc.add_heading("2. " + _("Other relevant information"), level=1)
    number_of = {"surveys": "2.2", "walks": "2.3"}
    doc.add_heading("2.1 " + _("Safety survey (NTU)"), level=2)
    ntu = sections["ntu"]
    if ntu:
        figure_table(
            _("Brå's national safety survey %(year)s") % {"year": ntu["year"]},
            [_("Indicator"), _("Kommun"), _("County"), _("Country")],
            [
                [
                    r["variable"] + (f" ({r['unit']})" if r["unit"] else ""),
                    r["kommun"],
                    r["county"],
                    r["national"],
                ]
                for r in ntu["rows"]
            ],
        )
    else:
        doc.add_paragraph(_("No NTU survey figures are imported for the kommun: a data gap."))
    for key, title, gap in (
        (
            "surveys",
            _("Citizen dialogue"),
            _("No citizen-dialogue results for the period: a data gap."),
        ),
        ("walks", _("Safety walks"), _("No safety-walk findings for the period: a data gap.")),
    ):
        doc.add_heading(f"{number_of[key]} {title}", level=2)
        section = sections[key]
        if section:
            for r in section["rows"]:
                line = f"{r['label']}: {n(r['n'])}"
                if r.get("of"):
                    line += f" {_('of')} {n(r['of'])}"
                if r.get("note"):
                    line += f" ({r['note']})"
                doc.add_paragraph(line, style="List Bullet")
        else:
            doc.add_paragraph(gap)
    doc.add_heading("2.4 " + _("The police's event notices"), level=2)
    p = sections["police_events"]
    if p:
        doc.add_paragraph(
            f"{_('Public notices in the period:')} {n(p['total'])}. "
            + _("A selection the police chose to publish: never a measure of crime.")
        )
        figure_table(
            _("Notices per type"),
            [_("Type"), _("Number")],
            [[r["label"], r["n"]] for r in p["types"]],
        )
    doc.add_heading("2.6 " + _("Further information"), level=2)
    text(
        texts["other_information"],
        _("other information of importance, e.g. from schools, social services, housing companies"),
    )

    doc.add_heading("3. " + _("Analysis"), level=1)
    text(texts["analysis"], _("the analysis of the mapping: patterns, developments and causes"))
    doc.add_heading("3.1 " + _("Priority problems and their causes"), level=2)
    for pr in ctx["problems"]:
        doc.add_heading(f"P{pr['position']}. {pr['title']}", level=3)
        if pr["areas"]:
            doc.add_paragraph(_("Areas:") + " " + ", ".join(pr["areas"]))
        if pr["description"]:
            doc.add_paragraph(pr["description"])
        dev = pr["development"]
        doc.add_paragraph(
            " ".join(
                [
                    _("Development: own reports in the problem's areas and categories"),
                    n(dev["current"]) + ",",
                    _("the previous period"),
                    n(dev["previous"]) + ".",
                ]
            )
        )
        if pr["crimes"]:
            crimes = pr["crimes"]
            doc.add_paragraph(
                " ".join(
                    [
                        _("Police-reported crime of the problem's types in its areas:"),
                        n(crimes["current"]) + ",",
                        _("the previous period"),
                        n(crimes["previous"]) + ".",
                    ]
                )
            )
        figure_table(
            _("Cause analysis (the problem-analysis triangle)"),
            [_("Part"), _("Analysis")],
            [
                [_("Place"), pr["place"] or "–"],
                [_("Offender"), pr["offender"] or "–"],
                [_("Target or victim"), pr["target"] or "–"],
                [_("Guardian, handler, manager"), pr["guardian"] or "–"],
                [_("Causes"), pr["causes"] or "–"],
                [_("Data gaps"), pr["data_gaps"] or "–"],
            ],
        )
    doc.add_heading("3.2 " + _("Data gaps"), level=2)
    gaps = [i for i in ctx["missing"] if i["kind"] == "auto"]
    for i in gaps:
        doc.add_paragraph(
            i["label"] + (f" – {i['note']}" if i["note"] else ""), style="List Bullet"
        )
    if not gaps:
        doc.add_paragraph(_("None found by Trygg."))

    doc.add_heading("4. " + _("Action plan"), level=1)
    head = [_("Measure"), _("Responsible"), _("When"), _("Follow-up"), _("Status")]
    for pr in ctx["problems"]:
        rows = [
            [
                x["text"],
                x["responsible"] or "–",
                f"{x['start'] or '?'} – {x['end'] or '?'}",
                x["follow_up"] or "–",
                "; ".join([x["status"], *(f"{h['on']}: {h['status']}" for h in x["history"])]),
            ]
            for x in pr["measures"]
        ]
        figure_table(
            f"P{pr['position']}. {pr['title']}",
            head,
            rows or [[_("No measure for this problem yet."), "", "", "", ""]],
        )
    doc.add_heading(_("How the plan is followed up"), level=2)
    text(texts["follow_up"], _("how and when the measures and their effects are followed up"))
    doc.add_heading(_("Cooperation with the police"), level=2)
    text(
        texts["police_cooperation"],
        _("how the lägesbild and the plan were prepared with the police"),
    )

    doc.add_heading(_("Checklist"), level=1)
    figure_table(
        _("What the law and Brå's guidance require"),
        [_("Requirement"), _("Basis"), _("Status")],
        [
            [i["label"], i["basis"], _("done") if i["done"] else _("missing")]
            for i in ctx["checklist"]
        ],
    )

    doc.add_heading(_("Sources and calculations"), level=1)
    doc.add_paragraph(
        _(
            "Every number of the document, with the data it was computed from: the dataset, "
            "the import batches, the period and the query (model, filter, aggregate)."
        )
    )
    rows = [
        [
            f["id"],
            shown(f),
            f"{f['label']} {f['period']}",
            f["dataset"] + "".join(f"; {_('import')} #{b['id']} {b['file']}" for b in f["batches"]),
            query(f),
        ]
        for f in s["figures"]
    ]
    figure_table("", [_("No."), _("Value"), _("What"), _("Source"), _("Query")], rows)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

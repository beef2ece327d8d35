"""Small SVG charts for documents: bars and a weekday × hour heat map."""

from collections.abc import Sequence
from html import escape


def bar_chart_svg(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    width: int = 480,
    height: int = 200,
    color: str = "#2b6cb0",
    title: str = "",
) -> str:
    """A vertical bar chart with value labels above the bars and category labels below."""
    n = max(len(values), 1)
    top, bottom, left = 18, 28, 8
    plot_h = height - top - bottom
    step = (width - 2 * left) / n
    peak = max([float(v) for v in values] + [1.0])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" '
        'stroke="#888"/>',
    ]
    font = 9 if n > 12 else 10
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = plot_h * float(value) / peak
        x = left + i * step + step * 0.15
        y = top + plot_h - h
        cx = left + i * step + step / 2
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{escape(color)}"/>'
        )
        out.append(
            f'<text x="{cx:.1f}" y="{y - 3:.1f}" font-size="{font}" text-anchor="middle">'
            f"{_number(value)}</text>"
        )
        out.append(
            f'<text x="{cx:.1f}" y="{height - 10}" font-size="{font}" text-anchor="middle">'
            f"{escape(str(label))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def heatmap_svg(
    matrix: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    cell: int = 18,
    title: str = "",
) -> str:
    """A heat map (e.g. weekday rows × hour columns); darker is more, counts written inside."""
    left, top = 40, 16
    rows, cols = len(row_labels), len(col_labels)
    width, height = left + cols * cell + 4, top + rows * cell + 4
    peak = max([float(v) for row in matrix for v in row] + [1.0])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for j, label in enumerate(col_labels):
        x = left + j * cell + cell / 2
        out.append(
            f'<text x="{x:.1f}" y="{top - 4}" font-size="8" text-anchor="middle">'
            f"{escape(str(label))}</text>"
        )
    for i, label in enumerate(row_labels):
        y = top + i * cell
        out.append(
            f'<text x="{left - 4}" y="{y + cell * 0.68:.1f}" font-size="9" text-anchor="end">'
            f"{escape(str(label))}</text>"
        )
        for j in range(cols):
            value = float(matrix[i][j])
            out.append(
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{_shade(value / peak)}"/>'
            )
            if value:
                ink = "#ffffff" if value / peak > 0.55 else "#1b2631"
                out.append(
                    f'<text x="{left + j * cell + (cell - 1) / 2:.1f}" '
                    f'y="{y + cell * 0.66:.1f}" font-size="8" text-anchor="middle" '
                    f'fill="{ink}">{_number(value)}</text>'
                )
    out.append("</svg>")
    return "".join(out)


def _shade(t: float) -> str:
    """White to dark red."""
    t = min(max(t, 0.0), 1.0)
    r = round(255 - t * (255 - 165))
    g = round(255 - t * (255 - 15))
    b = round(255 - t * (255 - 21))
    return f"#{r:02x}{g:02x}{b:02x}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"

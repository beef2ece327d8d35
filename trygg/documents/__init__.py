"""Documents: HTML to PDF, and server-drawn SVG maps and charts for the PDFs (no tile server)."""

from .charts import bar_chart_svg, heatmap_svg
from .maps import area_map_svg
from .pdf import html_to_pdf

__all__ = ["area_map_svg", "bar_chart_svg", "heatmap_svg", "html_to_pdf"]

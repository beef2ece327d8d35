"""HTML to PDF with WeasyPrint (imported lazily: it loads pango at import time)."""


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF bytes of an HTML document; `base_url` resolves relative links and images."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf()
    assert pdf is not None
    return bytes(pdf)

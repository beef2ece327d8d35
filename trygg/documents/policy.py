"""The Content Security Policy of a standalone document served as HTML.

A document (lägesbild, quarterly analysis, follow-up) carries its own <style> so that it
prints, converts to PDF and saves as a single file, and adopted versions are kept exactly as
rendered; a nonce cannot be written into them. Such a response runs no script at all and may
load nothing from elsewhere, so inline style is all it is allowed beyond the pages' policy.
"""

from django.http import HttpResponse
from django.utils.csp import CSP, build_policy

DOCUMENT_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}


def as_document(response: HttpResponse) -> HttpResponse:
    """Give an HTML document response the document policy (the middleware keeps it)."""
    if response.get("Content-Type", "").startswith("text/html"):
        response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(DOCUMENT_CSP)
    return response

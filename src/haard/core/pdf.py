"""Documents as PDF: a Django template rendered to HTML, then to PDF by WeasyPrint.

Every printed document (a safety plan, a restraining-order decision, an area-scan report)
extends `core/print_base.html`, which sets the page (A4, margins, page numbers, the
document's title and "confidential" in the margin) and the type. WeasyPrint fetches nothing
from the network: images and charts are passed inline (data: URIs or inline SVG).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"A printed document may not fetch {url!r}.")


def render_pdf(template_name: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """The PDF of `template_name` rendered with `context` (in `language`, default the active
    language). Raises nothing for an empty context; template errors surface as usual."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string(template_name, context)
    return bytes(HTML(string=html, url_fetcher=_no_fetching, base_url="about:blank").write_pdf())

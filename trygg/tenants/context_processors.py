from typing import Any

from django.conf import settings
from django.http import HttpRequest


def tenant(request: HttpRequest) -> dict[str, Any]:
    return {
        "access": getattr(request, "access", None),
        "tile_url": settings.TRYGG_TILE_URL,
        "tile_attribution": settings.TRYGG_TILE_ATTRIBUTION,
    }

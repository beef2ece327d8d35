"""How aggregated numbers are disclosed to those without the detail rights.

One function, so that the shared rule (trygg.citizens.disclosure, written in parallel) can
replace it: a count below SMALL is withheld (None) so that no person or small group shows.
"""

SMALL = 5


def disclose(count: int) -> int | None:
    return None if 0 < count < SMALL else count

"""The sun's elevation at a place and time, to tell daylight from dusk and darkness.

The low-precision formulas of the Astronomical Almanac (good to about 0.01°, far more than
needed here). Pure Python: no ephemeris library for one number.
"""

import math
from datetime import UTC, datetime

J2000 = datetime(2000, 1, 1, 12, tzinfo=UTC)
SUNRISE = -0.833  # the upper limb at the horizon, with refraction
CIVIL_TWILIGHT = -6.0


def elevation(lat: float, lon: float, when: datetime) -> float:
    """The sun's elevation in degrees above the horizon at (lat, lon) at the aware `when`."""
    d = (when - J2000).total_seconds() / 86400
    g = math.radians(357.529 + 0.98560028 * d)
    q = 280.459 + 0.98564736 * d
    ecliptic = math.radians(q + 1.915 * math.sin(g) + 0.020 * math.sin(2 * g))
    obliquity = math.radians(23.439 - 0.00000036 * d)
    ra = math.atan2(math.cos(obliquity) * math.sin(ecliptic), math.cos(ecliptic))
    dec = math.asin(math.sin(obliquity) * math.sin(ecliptic))
    sidereal = (18.697374558 + 24.06570982441908 * d) % 24 * 15 + lon
    hour_angle = math.radians(sidereal) - ra
    phi = math.radians(lat)
    sin_alt = math.sin(phi) * math.sin(dec) + math.cos(phi) * math.cos(dec) * math.cos(hour_angle)
    return math.degrees(math.asin(sin_alt))


def light(lat: float, lon: float, when: datetime) -> str:
    """ "daylight", "dusk" (civil twilight) or "darkness"."""
    sun = elevation(lat, lon, when)
    if sun > SUNRISE:
        return "daylight"
    return "dusk" if sun > CIVIL_TWILIGHT else "darkness"

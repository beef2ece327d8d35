"""Survey statistics: shares with Wilson intervals, means with t intervals, and suppression.

Pure Python with scipy, no Django.

* A share k/n (e.g. those who feel unsafe) gets the Wilson score interval at 95 %:
  (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96 (Wilson 1927). It stays inside
  0–1 and behaves with small n and shares near 0 or 1, unlike p ± z·√(p(1−p)/n).
* A mean score of n answers gets the t interval x̄ ± t(0.975, n−1)·s/√n, s the sample
  standard deviation.
* Suppression: a group (an area's answers to one question) is shown only when every count it
  reveals — the answers n, those in the outcome k and those outside it n−k — is at least
  `minimum` (10). When a total is shown next to the groups, the hidden groups could be
  recovered as the total minus the shown ones; so hidden groups are added, smallest first,
  until what the hidden groups sum to is itself at least `minimum` in every count (or every
  group is hidden). A total is hidden by the same rule. A group without answers (n = 0)
  reveals nobody's answer: it is shown as empty and takes no part in this.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from scipy import stats

Z95 = 1.959963984540054
MINIMUM = 10


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return max(0.0, (centre - half) / denominator), min(1.0, (centre + half) / denominator)


def t_interval(values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high); low = high = mean for a single value or no spread."""
    xs = [float(v) for v in values]
    n = len(xs)
    if n == 0:
        raise ValueError("no values")
    mean = sum(xs) / n
    if n == 1:
        return mean, mean, mean
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


@dataclass(frozen=True)
class Cell:
    """One group's counts: answers n, of which k in the outcome; the scores for the mean."""

    n: int
    k: int
    score_sum: float = 0.0
    score_squares: float = 0.0
    binary: bool = True  # False: a plain count (e.g. respondents), only n is revealed

    def revealed(self) -> tuple[int, ...]:
        return (self.n, self.k, self.n - self.k) if self.binary else (self.n,)

    def safe(self, minimum: int = MINIMUM) -> bool:
        return min(self.revealed()) >= minimum


def add(cells: Iterable[Cell]) -> Cell:
    items = list(cells)
    return Cell(
        sum(c.n for c in items),
        sum(c.k for c in items),
        sum(c.score_sum for c in items),
        sum(c.score_squares for c in items),
        binary=all(c.binary for c in items),
    )


def suppressed(cells: Mapping[Hashable, Cell], minimum: int = MINIMUM) -> set[Hashable]:
    """The groups to hide: the unsafe ones, then complements until the hidden sum is safe."""
    hidden = {key for key, cell in cells.items() if cell.n and not cell.safe(minimum)}
    shown = sorted(
        (k for k, c in cells.items() if c.n and k not in hidden), key=lambda k: (cells[k].n, str(k))
    )
    while hidden and shown and not add(cells[k] for k in hidden).safe(minimum):
        hidden.add(shown.pop(0))
    return hidden


def mean_interval(cell: Cell, level: float = 0.95) -> tuple[float, float, float]:
    """The t interval of the mean from the cell's sums (same as `t_interval` of the scores)."""
    n = cell.n
    mean = cell.score_sum / n
    if n == 1:
        return mean, mean, mean
    variance = max(0.0, (cell.score_squares - n * mean * mean) / (n - 1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * math.sqrt(variance / n)
    return mean, mean - half, mean + half

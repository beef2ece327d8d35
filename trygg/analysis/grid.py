"""A regular square grid over the extent of a set of points, in metres.

Cells are indexed row-major from the lower-left corner: cell (iy, ix) covers
[x0 + ix·cell, x0 + (ix+1)·cell) × [y0 + iy·cell, y0 + (iy+1)·cell); its flat index is
iy·nx + ix. The corner is snapped to a multiple of the cell size, so the same data and
cell size always give the same grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from trygg.analysis.io import AnalysisError

MAX_CELLS = 50_000_000


@dataclass(frozen=True)
class Grid:
    """A grid of `ny` rows × `nx` columns of square cells of side `cell` metres."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @classmethod
    def covering(cls, x: np.ndarray, y: np.ndarray, cell: float, pad: float = 0.0) -> Grid:
        """The smallest snapped grid holding every point, widened by `pad` metres."""
        if not cell > 0:
            raise AnalysisError(f"the cell size must be positive (got {cell:g})")
        if len(x) == 0:
            raise AnalysisError("no events to put on a grid")
        x0 = math.floor((float(np.min(x)) - pad) / cell) * cell
        y0 = math.floor((float(np.min(y)) - pad) / cell) * cell
        nx = math.floor((float(np.max(x)) + pad - x0) / cell) + 1
        ny = math.floor((float(np.max(y)) + pad - y0) / cell) + 1
        if nx * ny > MAX_CELLS:
            raise AnalysisError(
                f"a {cell:g} m grid over this extent has {nx * ny:,} cells "
                f"(more than {MAX_CELLS:,}); use a larger cell size"
            )
        return cls(x0, y0, float(cell), nx, ny)

    @property
    def size(self) -> int:
        """The number of cells."""
        return self.nx * self.ny

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns), the shape of a 2-D array of cell values."""
        return self.ny, self.nx

    def column_row(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Column and row of the cell holding each point (clipped to the grid)."""
        ix = np.floor((np.asarray(x) - self.x0) / self.cell).astype(np.int64)
        iy = np.floor((np.asarray(y) - self.y0) / self.cell).astype(np.int64)
        return np.clip(ix, 0, self.nx - 1), np.clip(iy, 0, self.ny - 1)

    def flat_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat (row-major) index of the cell holding each point."""
        ix, iy = self.column_row(x, y)
        return iy * self.nx + ix

    def counts(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """A (ny, nx) array of the number (or weight sum) of points in each cell."""
        flat = np.bincount(self.flat_index(x, y), weights=weights, minlength=self.size)
        return flat.astype(np.float64).reshape(self.shape)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Flat arrays of the x and y of every cell centre, in flat-index order."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell
        ys = self.y0 + (np.arange(self.ny) + 0.5) * self.cell
        gx, gy = np.meshgrid(xs, ys)
        return gx.ravel(), gy.ravel()

    def describe(self) -> dict[str, Any]:
        """The grid's parameters, for a result's `params`."""
        return {"x0": self.x0, "y0": self.y0, "cell": self.cell, "nx": self.nx, "ny": self.ny}

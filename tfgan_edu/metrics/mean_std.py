"""`MeanStd`: a score averaged over subsets or splits, with its spread."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator


@dataclasses.dataclass(frozen=True)
class MeanStd:
    """The mean and standard deviation of a score over subsets or splits.

    What `kid` and `inception_score` return. Unpacks like a pair and
    prints as `mean ± std`.

    Attributes:
        mean: the average over the subsets (the reported score).
        std: the standard deviation over the subsets (NumPy's `std`, ddof 0,
            as in the reference implementations).

    Example:

    >>> score = MeanStd(1.25, 0.5)
    >>> mean, std = score
    >>> mean, std, str(score)
    (1.25, 0.5, '1.25 ± 0.5')
    """

    mean: float
    std: float

    def __iter__(self) -> Iterator[float]:
        return iter((self.mean, self.std))

    def __str__(self) -> str:
        return f"{self.mean:.6g} ± {self.std:.4g}"

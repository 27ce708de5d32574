"""Metrics for generated samples, each checked against an independent reference.

Example:

>>> import numpy as np
>>> import tfgan_edu as tge
>>> x = tge.data.toy2d.sample("grid", n=5000, seed=0)
>>> tge.metrics.mode_coverage(x, "grid")["modes"]
25
>>> tge.metrics.frechet_distance(x, x)
0.0
"""

from tfgan_edu.metrics.frechet import frechet_distance
from tfgan_edu.metrics.mode_coverage import mode_coverage

__all__ = ["frechet_distance", "mode_coverage"]

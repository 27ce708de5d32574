"""TensorFlow's oneDNN CPU kernels: the package turns them on.

TensorFlow reads `TF_ENABLE_ONEDNN_OPTS` once, when it is imported, and
turns oneDNN on by itself only on x86 CPUs with AVX-512 VNNI/BF16 or AMX.
On a 2-core AVX2 AMD EPYC, where it leaves them off, they trained the
DCGAN 2.05x and the ring 1.55x faster (`benchmarks/onednn.py`, XLA off), so
`import tfgan_edu` sets the variable's default to on before it imports
TensorFlow (`set_default`). Where TensorFlow was imported first, too late
for that, and oneDNN is off on an x86 CPU, `warn_if_too_late` says how to
turn it on. A value the user set, "0" included, is kept and never warned
about.
"""

from __future__ import annotations

import os
import platform
import sys
import warnings

VARIABLE = "TF_ENABLE_ONEDNN_OPTS"


def set_default() -> bool:
    """Sets `TF_ENABLE_ONEDNN_OPTS=1` unless the user set it.

    Returns:
        Whether the default can still take effect: TensorFlow was not imported
        yet and the user had not set the variable.
    """
    user_set = VARIABLE in os.environ
    os.environ.setdefault(VARIABLE, "1")
    return not user_set and "tensorflow" not in sys.modules


def enabled() -> bool | None:
    """Whether TensorFlow runs its oneDNN kernels; `None` where it cannot say."""
    try:
        from tensorflow.python.util import _pywrap_util_port
    except ImportError:  # pragma: no cover - depends on the TensorFlow build
        return None
    return bool(_pywrap_util_port.IsMklEnabled())


def warn_if_too_late(took_effect: bool) -> None:
    """Warns when TensorFlow came first, with oneDNN off, on an x86 CPU.

    Args:
        took_effect: what `set_default` returned before TensorFlow was
            imported.
    """
    if took_effect or os.environ.get(VARIABLE) != "1":
        return
    if platform.machine().lower() not in ("x86_64", "amd64") or enabled() is not False:
        return
    warnings.warn(
        "TensorFlow was imported before tfgan_edu, with its oneDNN CPU kernels "
        "off (TensorFlow turns them on by itself only on CPUs with AVX-512 "
        "VNNI/BF16 or AMX). On a 2-core AVX2 CPU they trained the DCGAN 2.05x "
        "faster. Import tfgan_edu before TensorFlow and Keras, or set "
        "TF_ENABLE_ONEDNN_OPTS=1 before they are imported "
        "(TF_ENABLE_ONEDNN_OPTS=0 keeps them off without this warning).",
        stacklevel=3,
    )

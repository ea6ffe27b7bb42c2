"""Print the OpenBLAS kernel (core type) numpy and scipy use in this environment.

    python tools/openblas_core.py

OpenBLAS picks its kernels by processor unless ``OPENBLAS_CORETYPE`` names one (for
example ``Prescott`` or ``Haswell``); the last bits of iterative fits depend on it,
which is why the tables of ``analyses/build_all.py --check`` are compared within a
tolerance. Prints one line per OpenBLAS library loaded.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path


def core_names() -> dict[str, str]:
    """Library file name -> core name of every OpenBLAS loaded by numpy and scipy."""
    import numpy.linalg  # noqa: F401 (loads numpy's OpenBLAS)
    import scipy.linalg  # noqa: F401 (loads scipy's)

    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    names = {}
    for path in paths:
        library = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
                       "openblas_get_corename64_", "openblas_get_corename"):
            function = getattr(library, symbol, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                names[Path(path).name] = function().decode()
                break
    return names


if __name__ == "__main__":
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE') or '(unset)'}")
    for library, name in core_names().items():
        print(f"{library}: {name}")

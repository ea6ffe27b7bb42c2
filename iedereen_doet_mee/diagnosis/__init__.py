"""Design diagnosis: what a declared trial can detect, found by simulating it many times.

==================================== =====================================================
name                                 what it does
==================================== =====================================================
:func:`diagnose_design`              bias, RMSE, power, coverage, ... of every estimator
:class:`Diagnosis`                   its result (``summary()``, ``to_frame()``)
:func:`redesign`                     the same over a grid of sizes, effects, windows
:func:`minimum_detectable_effect`    the effect detected with 80% power, from a grid
:func:`closed_form_power`            the normal-approximation and exact-binomial power
==================================== =====================================================
"""

from .design_diagnosis import Diagnosis, diagnose_design
from .design_grid import closed_form_mde, closed_form_power, minimum_detectable_effect, redesign

__all__ = ["Diagnosis", "closed_form_mde", "closed_form_power", "diagnose_design",
           "minimum_detectable_effect", "redesign"]

"""io layer: read any cohort file into one canonical table and validate it.

``read_cohort(path, mapping=None, *, sheet=None, decimal=None, biomarkers=None)``
returns a :class:`Cohort` (canonical ``data``, ``issues``, ``mapping``,
``units``, ``biomarkers``, ``protocol``, ``source``). The canonical columns,
their units, plausible ranges and accepted header aliases are listed in
:data:`sarcostat.io.variables.VARIABLES` and rendered into
``docs/variables.md``.
"""

from sarcostat.io.cohort import Cohort, cohort_from_frame, read_cohort
from sarcostat.io.findings import Finding, findings_to_frame
from sarcostat.io.mapping import ColumnMap, load_mapping
from sarcostat.io.variables import VARIABLES, Variable

__all__ = [
    "read_cohort",
    "cohort_from_frame",
    "Cohort",
    "Finding",
    "findings_to_frame",
    "ColumnMap",
    "load_mapping",
    "Variable",
    "VARIABLES",
]

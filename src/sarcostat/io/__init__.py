"""io layer: read any cohort file into one canonical table and validate it.

``read_cohort(path, mapping=None, *, sheet=None, decimal=None, biomarkers=None)``
returns a `Cohort` (canonical ``data``, ``issues``, ``mapping``,
``units``, ``biomarkers``, ``protocol``, ``source``). The canonical columns,
their units, plausible ranges and accepted header aliases are listed in
`sarcostat.io.variables.VARIABLES` and rendered into
``docs/variables.md``.

Modules, one concern each: ``readers`` (files -> raw cells: encodings,
strict delimited text, Excel, SPSS/Stata, Parquet), ``cells`` (a cell's
kind and number), ``mapping`` (TOML maps, header recognition),
``canonical`` (raw table -> canonical columns), ``derive`` (the one
derivation of BMI/SMI/ASM, grip, gait speed, SARC-F), ``checks`` (ranges,
units), ``ids`` (ids as text, the matching rule), ``flags`` (three-valued
True/False), ``panel`` (wide biomarker tables), ``cohort`` (``Cohort``,
``read_cohort``). This ``__init__`` only hands names on.
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

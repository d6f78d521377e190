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
``read_cohort``). This ``__init__`` only hands names on, importing each from
its module on first use (see `sarcostat._lazy`): it imports none of its
modules itself, so first imports from several threads at once cannot meet in
an import cycle.
"""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.io.cohort import Cohort, cohort_from_frame, read_cohort
    from sarcostat.io.findings import Finding, findings_to_frame
    from sarcostat.io.mapping import ColumnMap, load_mapping
    from sarcostat.io.variables import VARIABLES, Variable
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    __getattr__, __dir__ = _lazy_package(
        __name__,
        {
            "cohort": ["Cohort", "cohort_from_frame", "read_cohort"],
            "findings": ["Finding", "findings_to_frame"],
            "mapping": ["ColumnMap", "load_mapping"],
            "variables": ["VARIABLES", "Variable"],
        },
    )

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

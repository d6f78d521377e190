"""Clinical assessment: SPPB scoring, sarcopenia definitions, prevalence, agreement.

Public API
----------
classify(data, definition="awgs2019")       one definition -> per-participant table
classify_many(data, definitions)            several -> dict name -> table
classify_cohort(cohort, definitions)        everything the CLI prints, with notes
prevalence(data, definitions=..., by="sex") prevalence table
agreement(data, definitions)                pairwise Cohen's kappa with 95% CI
list_definitions()                          names, titles, citations
cutoff_table(definition)                    the cut-off rows with source/verified
sarc_calf(data)                             SARC-CalF score per participant
cutoffs_markdown()                          the cut-off tables of docs/definitions.md
sppb.score_sppb, sps.sarcopenia_phenotype_score
classify_frailty(data, definition)          Fried 2001 (+ Asian variant), FRAIL scale,
                                            frailty index, osteosarcopenia
frailty_index(data, deficits)               Searle 2008 deficit accumulation
osteosarcopenia(data, sarcopenia=...)       sarcopenia x lowest T-score
frailty_cohort(cohort, definitions)         prevalence, kappa and notes for frailty

Modules: ``catalog`` (definitions, cut-off tables, notes), ``classification``
(classify, classify_many, sarc_calf), ``summary`` (prevalence, agreement),
``cohort_result`` (ClassificationResult, classify_cohort), ``frailty``
(frailty and osteosarcopenia; ``_phenotype`` is its count engine), ``protocol``
(protocol_notes), ``sppb``, ``sps``, ``agreement`` (Cohen's kappa),
``definitions/`` (one module per definition); ``_measures``, ``_engine`` and
``_cutoffs`` are the machinery behind them. This ``__init__`` only hands the
public names on.

The names are imported from their modules on first use (see
`sarcostat._lazy`), so that this package imports none of its modules itself:
two threads calling sarcostat for the first time at once cannot meet in an
import cycle.
"""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.assess.catalog import (
        cutoff_table,
        cutoffs_markdown,
        definition_notes,
        list_definitions,
    )
    from sarcostat.assess.classification import classify, classify_many, sarc_calf
    from sarcostat.assess.cohort_result import ClassificationResult, classify_cohort
    from sarcostat.assess.frailty import (
        FrailtyResult,
        classify_frailty,
        frailty_cohort,
        frailty_index,
        osteosarcopenia,
    )
    from sarcostat.assess.protocol import protocol_notes
    from sarcostat.assess.summary import agreement, prevalence
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    # `agreement` is the function of `summary`, as before; the Cohen's kappa
    # module of the same name is `import sarcostat.assess.agreement`.
    __getattr__, __dir__ = _lazy_package(
        __name__,
        {
            "catalog": ["cutoff_table", "cutoffs_markdown", "definition_notes", "list_definitions"],
            "classification": ["classify", "classify_many", "sarc_calf"],
            "cohort_result": ["ClassificationResult", "classify_cohort"],
            "frailty": [
                "FrailtyResult",
                "classify_frailty",
                "frailty_cohort",
                "frailty_index",
                "osteosarcopenia",
            ],
            "protocol": ["protocol_notes"],
            "summary": ["agreement", "prevalence"],
        },
    )

__all__ = [
    "ClassificationResult",
    "FrailtyResult",
    "agreement",
    "classify",
    "classify_cohort",
    "classify_frailty",
    "classify_many",
    "cutoff_table",
    "cutoffs_markdown",
    "definition_notes",
    "frailty_cohort",
    "frailty_index",
    "list_definitions",
    "osteosarcopenia",
    "prevalence",
    "protocol_notes",
    "sarc_calf",
]

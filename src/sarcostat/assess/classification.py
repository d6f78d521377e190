"""Classification of participants by one or several consensus definitions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pandas as pd

from sarcostat.assess._engine import Prepared, evaluate
from sarcostat.assess.catalog import definition_names, resolve_definition
from sarcostat.assess.definitions.registry import REGISTRY


def sarc_calf(data: pd.DataFrame) -> pd.Series:
    """SARC-CalF: the SARC-F total plus 10 points when calf circumference is low.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table: ``sarc_f_total`` (or the five ``sarc_f_*``
        items), ``calf_circumference_cm``, ``sex``.

    Returns
    -------
    pandas.Series
        Named ``sarc_calf``, float 0-20, same index as ``data``; NaN when the
        SARC-F total or the calf circumference is missing, or when sex is
        missing and the calf (33 to < 34 cm) is low for women only.

    Notes
    -----
    Low calf circumference is < 34 cm (men) / < 33 cm (women), the AWGS 2019
    calf cut-offs; AWGS 2019 screens positive at SARC-CalF >= 11
    (flag ``sarc_calf_positive`` of ``classify(data, "awgs2019")``).

    References
    ----------
    Barbosa-Silva TG, Menezes AMB, Bielemann RM, Malmstrom TK, Gonzalez MC.
    Enhancing SARC-F: improving sarcopenia screening in the clinical practice.
    J Am Med Dir Assoc 2016;17(12):1136-1141. doi:10.1016/j.jamda.2016.08.004
    Chen LK et al. J Am Med Dir Assoc 2020;21(3):300-307.e2. doi:10.1016/j.jamda.2019.12.012

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female", "male"], "sarc_f_total": [2.0, 2.0],
    ...                    "calf_circumference_cm": [32.5, 34.0]})
    >>> sarc_calf(df).tolist()
    [12.0, 2.0]
    """
    from sarcostat.assess._measures import check_frame
    from sarcostat.assess._measures import sarc_calf as _sarc_calf

    data = check_frame(data, "sarc_calf")
    return pd.Series(_sarc_calf(data), index=data.index, name="sarc_calf")


def classify(
    data: pd.DataFrame,
    definition: str = "awgs2019",
    *,
    reasons: bool = True,
    prepared: Prepared | None = None,
) -> pd.DataFrame:
    """Classify each participant by one consensus definition of sarcopenia.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table (see ``docs/dev/contracts.md``). Absent columns
        count as missing, never as normal (an alternative test the cohort
        never measured is left out instead: see Notes).
    definition : str, default "awgs2019"
        One of ``awgs2019``, ``ewgsop2``, ``ewgsop1``, ``awgs2014``,
        ``fnih2014``, ``sdoc2020``, ``iwgs2011`` (see `list_definitions`).
    reasons : bool, default True
        False leaves out the ``reason`` column: every other column is the
        same, and a caller that needs only the flags and statuses (the
        study's assessment, the definitions sensitivity analysis) is spared
        building one text per participant, the costly part at biobank scale.
    prepared : optional
        `prepare` of the same ``data``: its measures are then not derived
        again (a caller that also asks `unmeasured_tests`).

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``, one row per participant:

        - one nullable-boolean column per criterion flag of the definition
          (e.g. AWGS 2019: ``low_muscle_mass``, ``low_strength``,
          ``slow_gait``, ``slow_chair_stand``, ``low_sppb``, ``low_calf``,
          ``sarc_f_positive``, ``sarc_calf_positive``, then the derived
          ``low_performance`` and ``case_finding``); <NA> = cannot be decided.
        - ``category`` (string): the definition's stage, ``"no sarcopenia"``,
          ``"<stage> (severity indeterminate)"`` or ``"indeterminate"``.
        - ``sarcopenia`` (boolean): <NA> when missing inputs could change it.
        - ``severe`` (boolean): <NA> when unknown or when the definition has
          no severity grade.
        - ``missing_inputs`` (string): comma-separated inputs whose absence
          left a used criterion undecided (empty when none).
        - ``reason`` (string): the category and every comparison made, e.g.
          ``"SMI 5.40 < 5.7 kg/m² (woman, BIA)"`` (absent with ``reasons=False``).

    Raises
    ------
    ParameterError
        Unknown definition.
    DataError
        ``sex`` or ``muscle_mass_method`` holds a value outside the canonical set.

    See Also
    --------
    classify_many, prevalence, agreement, cutoff_table, definition_notes

    Notes
    -----
    Each criterion is the Kleene OR of its cut-off rows; stages combine the
    flags with Kleene AND/OR, so a participant is classified only when the
    missing inputs could not change the result (low muscle mass False ⇒ not
    sarcopenic whatever else is missing). 'Unable' (``gait_unable``,
    ``chair_stand_unable``) counts as abnormal. Cut-offs are chosen by sex
    and, for muscle mass, by ``muscle_mass_method``; a definition without a
    cut-off for that device leaves the criterion undecided (DXA cut-offs are
    never applied to BIA data unless the paper states them device-free).
    Where a definition accepts any one of several tests (AWGS 2019 physical
    performance: gait speed, chair stand or SPPB; EWGSOP2: one test per
    criterion), a test the cohort never measured is left out when another
    was done (`unmeasured_tests` names them); a participant's own missing
    value in a measured test still counts as missing.

    References
    ----------
    See each module of `sarcostat.assess.definitions` (``CITATION``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female"], "smi": [5.4], "muscle_mass_method": ["bia"],
    ...                    "grip_kg": [16.0], "gait_speed_m_s": [1.2],
    ...                    "chair_stand_5x_s": [10.0], "sppb_total": [11.0]})
    >>> out = classify(df, "awgs2019")
    >>> out.loc[0, "category"], bool(out.loc[0, "sarcopenia"])
    ('sarcopenia', True)
    """
    d = resolve_definition(definition, "classify")
    return evaluate(data if prepared is None else None, d, prepared, reasons=reasons)


def classify_many(
    data: pd.DataFrame,
    definitions: Iterable[str] | str = "all",
    *,
    reasons: bool = True,
    prepared: Prepared | None = None,
) -> dict[str, pd.DataFrame]:
    """`classify` for several definitions; returns ``{name: table}`` in order given.

    ``definitions`` may be a list, a comma-separated string, or ``"all"``.
    The measures are derived (and, for ``reasons``, formatted) once for all
    definitions (or taken from ``prepared``, `prepare` of the same
    ``data``); ``reasons=False`` leaves out the ``reason`` column as in
    `classify`. `iter_classify` gives the tables one at a time.
    """
    from sarcostat.progress import track

    names = definition_names(definitions, "classify_many")
    tables = iter_classify(
        data, names, reasons=reasons, function="classify_many", prepared=prepared
    )
    return dict(track(tables, total=len(names), desc="classify", unit="definitions"))


def prepare(data: pd.DataFrame, function: str = "classify") -> Prepared:
    """The measures every definition reads (grip, muscle mass, gait speed,
    SPPB ...), sex and device of ``data``, derived once: hand it to
    `iter_classify` and `sarcostat.assess.definitions.ewgsop2.classify_using`
    (``prepared=``) to classify one cohort several ways without deriving
    them again."""
    return Prepared(data, function)


def iter_classify(
    data: pd.DataFrame,
    definitions: Iterable[str] | str = "all",
    *,
    reasons: bool = True,
    function: str = "iter_classify",
    prepared: Prepared | None = None,
) -> Iterator[tuple[str, pd.DataFrame]]:
    """`classify_many` one table at a time: yields ``(name, table)`` in the order given.

    The measures are derived once for all definitions (or taken from
    ``prepared``, `prepare` of the same ``data``), and only one table is
    held at a time (a biobank-sized cohort by seven definitions).
    """
    names = definition_names(definitions, function)
    prep = Prepared(data, function) if prepared is None else prepared
    for n in names:
        yield n, evaluate(None, REGISTRY[n], prep, reasons=reasons)


#: Rows classified at a time by `reason_texts` (its slices are served from them).
REASON_BLOCK_ROWS = 1 << 16


def reason_texts(
    data: pd.DataFrame, definition: str = "awgs2019", *, prepared: Prepared | None = None
) -> Callable[[slice], pd.api.extensions.ExtensionArray]:
    """The ``reason`` column of `classify` a slice of rows at a time.

    Returns a function of a row slice (positions, step 1) giving the same
    texts as ``classify(data, definition)["reason"]`` on those rows. The
    whole cohort decides which tests the definition leaves out as never
    measured (``prepared``: `prepare` of ``data``, else derived here);
    each participant's reason depends on their own row only, so the rows
    are classified ``REASON_BLOCK_ROWS`` at a time and no column of texts
    for every participant is held: ``sarcostat classify`` writes its
    participant table this way (by seven definitions at 10^6 rows the
    texts are over a gigabyte). Slices asked for in order are cut from the
    block last classified.
    """
    d = resolve_definition(definition, "reason_texts")
    if d.adapt is not None:
        prep = prepared if prepared is not None else Prepared(data, "reason_texts")
        d = d.adapt(d, prep.measures)
    return _ReasonBlocks(data, d).texts


class _ReasonBlocks:
    """`reason_texts`: the reasons of one block of rows at a time."""

    def __init__(self, data: pd.DataFrame, definition: Any) -> None:
        self.data, self.definition = data, definition
        self.start = self.stop = 0
        self.block: pd.api.extensions.ExtensionArray | None = None

    def texts(self, rows: slice) -> pd.api.extensions.ExtensionArray:
        start, stop, step = rows.indices(len(self.data))
        if step != 1:
            raise ValueError("reason_texts: a slice with step 1 is needed")
        stop = max(start, stop)
        if self.block is None or not (self.start <= start and stop <= self.stop):
            end = max(stop, min(len(self.data), start + REASON_BLOCK_ROWS))
            frame = self.data.iloc[start:end]
            self.block = evaluate(frame, self.definition, reasons=True)["reason"].array
            self.start, self.stop = start, end
        a = start - self.start
        return self.block[a : a + (stop - start)]


def unmeasured_tests(
    data: pd.DataFrame, definition: str = "awgs2019", *, prepared: Prepared | None = None
) -> tuple[str, ...]:
    """The tests ``definition`` accepts as alternatives that the cohort never
    measured, and which `classify` therefore leaves out (measure names).

    AWGS 2019 accepts gait speed, the 5-time chair stand or the SPPB for
    physical performance, and EWGSOP2 one listed test per criterion: a test
    no participant has a value (or an 'unable') for is left out when another
    test of the same criterion was measured, instead of leaving that
    criterion undecided for everyone. Empty when nothing was left out, and
    for definitions without alternatives. ``prepared``: `prepare` of the
    same ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["male"], "smi": [6.5], "muscle_mass_method": ["bia"],
    ...                    "grip_kg": [30.0], "gait_speed_m_s": [1.2]})
    >>> unmeasured_tests(df, "awgs2019")
    ('chair_stand_5x_s', 'sppb_total')
    >>> classify(df, "awgs2019").loc[0, "category"]
    'no sarcopenia'
    """
    d = resolve_definition(definition, "unmeasured_tests")
    if d.adapt is None:
        return ()
    prep = Prepared(data, "unmeasured_tests") if prepared is None else prepared
    return d.adapt(d, prep.measures).left_out


def unmeasured_note(definition: str, tests: Iterable[str]) -> str:
    """The sentence that says which tests `unmeasured_tests` gave (empty when none)."""
    from sarcostat.assess._measures import MEASURES

    tests = list(tests)
    if not tests:
        return ""
    d = resolve_definition(definition, "unmeasured_note")
    words = [MEASURES[m].label if m in MEASURES else m for m in tests]
    named = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return (
        f"{d.title}: {named} not measured in this cohort (no participant has a value); "
        f"{d.title} accepts any one of its listed tests, so the criteria that list "
        f"{'it' if len(words) == 1 else 'them'} are decided by the tests that were done."
    )

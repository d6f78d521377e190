"""Plan steps: each analysis of a study report, declared as data.

A *step* is one part of the report (Table 1, Figure 1, ...). It declares

- ``name``: its key in `StudyResult.frames`, the stem of its CSV and
  figure files, its key in ``results.json`` and its name in the plan's
  ``[study] steps`` list;
- ``section``: the plan section it reads its options from, and ``options``,
  the dataclass of that section when the step brings a new one;
- `Step.needs`: the columns it needs, each with the plan key that
  names it; a column marked ``row=True`` makes one row of the step (one
  outcome, one status), so the step can leave that row out;
- ``result_type``: the stats result class it keeps in ``analyses``;
- ``template``: the report template (under ``report/templates/``) that
  renders it, and ``keys``: the columns that address one row of its frame;
- `Step.run`: the computation, returning a tidy full-precision frame;
- ``reads``: the earlier steps whose frames or analyses it reads (``()``
  when none), so that steps which do not read each other may run at the
  same time; a step that does not declare it runs alone, after every step
  before it and before every step after it (``runs_alone``: with no
  other step at the same time).

Steps live one per module in `sarcostat.study.steps` (each module
defines ``STEP``) and are found there automatically; `register` adds
one from elsewhere (a plug-in, a test). This module imports nothing of the
study layer, so every step module can import it. `sarcostat.study.run.analyze`
runs the plan's steps in order; a step whose columns are missing is
skipped, with one note listing every missing column.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sarcostat.exceptions import DataError, ModelError, SarcostatWarning


@dataclass(frozen=True)
class Need:
    """One column a step needs, with the plan key that names it."""

    key: str
    column: str
    #: True when the column makes one row of the step (an outcome, a status):
    #: the step then runs without that row; False when the step cannot run
    #: without it (the biomarker, the grouping column, a covariate).
    row: bool = False


class StepLog:
    """Collects warnings from every analysis, once each, with their context."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)

    def run(self, where: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)``, its SarcostatWarnings recorded as "<where>: ..."."""
        out, messages = self.capture(fn, *args, **kwargs)
        for msg in messages:
            self.add(f"{where}: {msg}")
        return out

    @staticmethod
    def capture(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
        """(``fn(*args, **kwargs)``, the texts of its SarcostatWarnings without
        the function's own name); other warnings are let through unchanged.

        Only the calling thread's warnings are captured when steps run on
        several threads: `sarcostat.study.run` then holds
        `sarcostat.study.thread_warnings.thread_local_warnings`, which makes
        ``catch_warnings`` and the filters below per thread."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SarcostatWarning)
            out = fn(*args, **kwargs)
        # A run keeps every result it computes: each linear fit then keeps
        # its analysis sample as its rows' positions, not a copy of its
        # columns (at 10**6 rows with missing values, tens of fits held
        # 40-60 MB each; `LinearFit.release_sample`). No linear fit exists
        # unless its module is loaded, so it is not imported for this; while
        # another step thread is still importing it (it is in sys.modules,
        # its last function not yet defined), no fit of it exists either.
        release = getattr(sys.modules.get("sarcostat.stats.ancova"), "release_samples", None)
        if release is not None:
            release(out)
        # The stats functions start their messages with their own name
        # ("or_per_sd: ..."); the report names the analysis instead.
        prefix = f"{getattr(fn, '__name__', '')}: "
        messages = []
        for w in caught:
            if issubclass(w.category, SarcostatWarning):
                msg = str(w.message)
                messages.append(msg[len(prefix) :] if msg.startswith(prefix) else msg)
            else:  # not ours: let it through unchanged
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out, messages

    def attempt(self, where: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`run`, but a model that cannot be estimated (ModelError, or
        a DataError such as an outcome without events) is recorded as
        "<where>: not estimable: <why>" and gives None, so one model does
        not stop the whole report."""
        try:
            return self.run(where, fn, *args, **kwargs)
        except (ModelError, DataError) as exc:
            self.add(f"{where}: not estimable: {exc}")
            return None


@dataclass
class StepContext:
    """What a step's `Step.run` gets."""

    #: The analysis dataset (cohort + assessment columns, censored values substituted).
    data: Any  # pandas.DataFrame
    plan: Any  # sarcostat.study.plan.Plan
    #: The resolved biomarker column.
    biomarker: str
    #: Covariates of the adjusted models as model columns (``sex`` -> ``sex_male``).
    covariates: list[str]
    #: Every stats result object, keyed ``"<step>/<row>/<model>"``; a step adds its own.
    analyses: dict[str, Any]
    log: StepLog
    #: Columns the cohort lacks or holds no value in; rows naming them are left out.
    missing: frozenset[str] = frozenset()
    #: The multiply imputed cohort (`sarcostat.study.missing.Imputation`)
    #: when the plan's ``[missing] method`` is ``"mice"``, else None.
    imputation: Any = None
    #: Frames of the steps run so far (a step may read an earlier one's).
    frames: dict[str, Any] = field(default_factory=dict)
    #: Models fitted by `fit`, by function and options (see there).
    fits: dict[Any, SharedFit] = field(default_factory=dict, repr=False)
    #: One lock per key of ``fits`` (made under ``fit_lock``): steps on two
    #: threads fit a shared model once, and ``fits`` holds finished fits only.
    fit_locks: dict[Any, Any] = field(default_factory=dict, repr=False)
    fit_lock: Any = field(default_factory=threading.Lock, repr=False)

    def present(self, columns: Iterable[str]) -> list[str]:
        """``columns`` without the missing ones, order kept."""
        return [c for c in columns if c not in self.missing]

    def fit(self, where: str, fn: Callable[..., Any], **options: Any) -> Any:
        """``log.attempt(where, fn, data, **options)``, fitted once per run.

        Several steps ask for the same model (Table 3's odds ratio per SD is
        also Model 3 of the adjustment sets and the definitions step's row
        for the plan's own definition): on ``data``, the whole
        analysis dataset, the same function with the same options is the
        same model on the same rows, so its result is computed once and
        shared. Its warnings (or why it is not estimable) are logged again
        under each ``where``, as if it had been fitted there. Options that
        cannot be compared (not numbers, strings or lists of them) are
        fitted each time. Safe for steps running on several threads: a
        model asked for by two at once is fitted by the first, and the
        second waits for it.
        """
        key = _fit_key(fn, options)
        if key is None:
            return self.log.attempt(where, fn, self.data, **options)
        shared = self.fits.get(key)
        if shared is None:
            with self.fit_lock:
                key_lock = self.fit_locks.setdefault(key, threading.Lock())
            with key_lock:
                shared = self.fits.get(key)
                if shared is None:
                    shared = self._fit_shared(fn, options)
                    self.fits[key] = shared  # published once complete
        for msg in shared.messages:
            self.log.add(f"{where}: {msg}")
        if shared.error is not None:
            self.log.add(f"{where}: not estimable: {shared.error}")
        return shared.result

    def _fit_shared(self, fn: Callable[..., Any], options: dict[str, Any]) -> SharedFit:
        try:
            out, messages = self.log.capture(fn, self.data, **options)
            return SharedFit(out, tuple(messages))
        except (ModelError, DataError) as exc:
            # The text only: the exception's traceback would keep the
            # fit's frames (and their arrays) alive.
            return SharedFit(None, (), str(exc))


@dataclass(frozen=True)
class SharedFit:
    """One model fitted by `StepContext.fit`: its result, the texts of its
    warnings, or why it could not be estimated."""

    result: Any
    messages: tuple[str, ...]
    error: str | None = None


def _fit_key(fn: Callable[..., Any], options: dict[str, Any]) -> tuple | None:
    """A hashable key of ``fn`` and its options; None when an option is not a
    plain value (a number, string, None or a list/tuple of them)."""
    plain = (str, int, float, bool, type(None))
    items = []
    for name, value in sorted(options.items()):
        if isinstance(value, (list, tuple)):
            if not all(isinstance(v, plain) for v in value):
                return None
            value = (type(value).__name__, *((type(v).__name__, v) for v in value))
        elif isinstance(value, plain):
            value = (type(value).__name__, value)  # True and 1 are not the same option
        else:
            return None
        items.append((name, value))
    return (fn, tuple(items))


class Step:
    """Base class of a plan step: set the class attributes, implement
    `needs` and `run`. See the module docstring and
    CONTRIBUTING.md ("How to add a plan step")."""

    #: Key of the step everywhere (frames, files, results.json, [study] steps).
    name: ClassVar[str] = ""
    #: Heading of its part in the report, and how notes name it ("Table 2").
    heading: ClassVar[str] = ""
    #: Progress line while it runs ("Table 2 (standardized beta)").
    title: ClassVar[str] = ""
    #: Plan section it reads its options from.
    section: ClassVar[str | None] = None
    #: Dataclass of that section when the step brings a new one (built-in
    #: sections are declared in `sarcostat.study.plan`); fields with
    #: `sarcostat.study.options.option` / ``column_list``.
    options: ClassVar[type | None] = None
    #: One-line comment above the section in the TOML file.
    section_comment: ClassVar[str] = ""
    #: Dotted path of the stats result class kept in ``analyses``.
    result_type: ClassVar[str] = ""
    #: Report template rendering the step (under ``report/templates/``).
    template: ClassVar[str] = ""
    #: Columns of the step's frame (its shape also when it is skipped).
    columns: ClassVar[tuple[str, ...]] = ()
    #: Columns addressing one row of the frame (results.json nesting).
    keys: ClassVar[tuple[str, ...]] = ()
    #: Earlier steps whose frames (``ctx.frames``) or analyses
    #: (``ctx.analyses``) the step reads: ``()`` when none. It then runs after
    #: those of them that come before it in the plan, possibly at the same
    #: time as others (`sarcostat.study.run`), and sees only their frames and
    #: analyses. None (not declared): it runs alone, after every step before
    #: it and before every step after it, with everything run before it.
    reads: ClassVar[tuple[str, ...] | None] = None
    #: True for a step whose temporaries are about the size of the cohort
    #: (e.g. the whole cohort classified again): it runs with no other step
    #: at the same time (once the steps it reads are done), so that it does
    #: not raise the peak memory.
    runs_alone: ClassVar[bool] = False
    #: About how long the step takes relative to the others, at large n (its
    #: CPU seconds on a simulated cohort of 10**6 rows, benchmarks/README.md).
    #: Only an order: of the steps ready to start, the step runner starts
    #: the costliest first (longest first), so that the threads run out of
    #: work at about the same time instead of one running a long step alone
    #: at the end. The results do not depend on it.
    cost: ClassVar[float] = 1.0
    #: True for a step whose analyses keep the rows of their models (fitted
    #: ANCOVA models, from which marginal means are computed later): at
    #: biobank scale hundreds of MB. When the steps are shared with a forked
    #: copy of the process (`sarcostat.study.run`), such a step, and every
    #: step that reads it, runs in the main process, so that its results are
    #: never copied from one process to the other. The results do not
    #: depend on it.
    large_results: ClassVar[bool] = False
    #: Model functions the step fits through `StepContext.fit` that other
    #: steps fit too (their names, e.g. ``("or_per_sd",)``): steps that name
    #: one in common run in the same process when the steps are shared with
    #: a forked copy, so that each shared model is still fitted once. The
    #: results do not depend on it.
    shared_fits: ClassVar[tuple[str, ...]] = ()

    def needs(self, plan: Any, biomarker: str) -> list[Need]:
        """Every column the step reads, with the plan key that names it."""
        return []

    def run(self, ctx: StepContext) -> Any:
        raise NotImplementedError

    def empty(self) -> Any:
        """The step's frame with no rows (what a skipped step leaves)."""
        import pandas as pd

        return pd.DataFrame(columns=list(self.columns))

    def __repr__(self) -> str:
        return f"<plan step {self.name!r}: {self.title}>"


_REGISTRY: dict[str, Step] = {}


def register(step: Step | type[Step]) -> Step | type[Step]:
    """Add a step (an instance, or a class instantiated here) to the registry.

    Usable as a class decorator. A second step with the same name replaces
    the first (so a test or a plug-in can swap one). The built-in steps are
    registered by `sarcostat.study.steps`, which also looks steps up
    (`sarcostat.study.steps.get`, `sarcostat.study.steps.all_steps`).
    """
    inst = step() if isinstance(step, type) else step
    if not inst.name or not inst.name.isidentifier():
        raise ValueError(f"a plan step needs a name that is an identifier, got {inst.name!r}")
    _REGISTRY[inst.name] = inst
    return step


def unregister(name: str) -> None:
    """Remove a step (tests that registered one)."""
    _REGISTRY.pop(name, None)


def registered() -> dict[str, Step]:
    """The steps registered so far, by name, in registration order."""
    return dict(_REGISTRY)

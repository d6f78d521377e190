"""The supplementary stats modules document themselves as the others do
(STYLE.md §6: every section, the R call, the SPSS equivalent, a formula, a DOI)
and their examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
import warnings

import pytest

MODULES = ["roc", "splines", "describe", "dose_response"]
SECTIONS = ["Parameters", "Returns", "Raises", "See Also", "Notes", "References", "Examples"]


@pytest.mark.parametrize("module", MODULES)
def test_public_functions_have_every_section(module):
    mod = importlib.import_module(f"sarcostat.stats.{module}")
    problems = []
    for name in mod.__all__:
        obj = getattr(mod, name)
        if not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        if inspect.isclass(obj):
            if "Attributes\n----------" not in doc:
                problems.append(f"{name}: no Attributes section")
            continue
        missing = [s for s in SECTIONS if f"{s}\n{'-' * len(s)}" not in doc]
        if missing:
            problems.append(f"{name}: missing {missing}")
            continue
        notes = doc.split("Notes\n-----")[1].split("References\n----------")[0]
        refs = doc.split("References\n----------")[1].split("Examples\n--------")[0]
        if "SPSS" not in notes:
            problems.append(f"{name}: Notes do not give the SPSS equivalent")
        if not re.search(r"\bR\b", notes):
            problems.append(f"{name}: Notes do not give the R call")
        if "doi:" not in refs:
            problems.append(f"{name}: no reference with a DOI")
        if "math::" not in notes and ":math:" not in notes:
            problems.append(f"{name}: Notes give no formula")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"sarcostat.stats.{module}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        failures, attempted = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted >= 3 and failures == 0

"""Every public stats function documents itself the same way (STYLE.md §6) and
its examples run. ancova and trend run their own doctests in their test files."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
import warnings

import pytest

MODULES = ["compare", "regression", "logistic", "ancova", "trend"]
SECTIONS = ["Parameters", "Returns", "Raises", "See Also", "Notes", "References", "Examples"]


def _public(name):
    mod = importlib.import_module(f"sarcostat.stats.{name}")
    return [(n, getattr(mod, n)) for n in mod.__all__]


@pytest.mark.parametrize("module", MODULES)
def test_public_functions_have_every_section(module):
    problems = []
    for name, obj in _public(module):
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


@pytest.mark.parametrize("module", ["compare", "regression", "logistic"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"sarcostat.stats.{module}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. LowEventsWarning in the tiny examples
        failures, attempted = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted >= 5 and failures == 0

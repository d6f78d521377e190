"""The built-in plan steps, one module each (found by `sarcostat.study.registry`).

Each module defines ``STEP``, an instance of a
`Step` subclass. Module names starting with
``_`` hold shared helpers and are not steps. The seed study's steps are
``table1``, ``fig1``, ``table2``, ``fig2`` and ``table3``; the plan's
``[study] steps`` list says which run, in which order. `all_steps`
and `get` look steps up (importing the built-in ones first).
"""

from __future__ import annotations

import importlib
import pkgutil

from sarcostat.study.registry import Step, register, registered

_LOADED = False


def _load_builtin() -> None:
    """Import every step module of this package once and register its STEP."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    known = registered()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        step = getattr(module, "STEP", None)
        if step is not None and step.name not in known:
            register(step)


def all_steps() -> dict[str, Step]:
    """Every registered step by name: the built-in ones, then any registered
    from outside (a plug-in, a test)."""
    _load_builtin()
    return registered()


def get(name: str) -> Step:
    """The step called ``name`` (KeyError if none is registered)."""
    return all_steps()[name]

"""Lazy package namespaces (PEP 562): a package hands its public names on
without importing its own modules.

A package ``__init__`` that imports its own modules makes an import cycle:
Python imports a package before any of its modules, holding the module's
lock while it does. Two threads importing such a package's modules for the
first time at once can then each hold a lock the other needs, and one is
handed a half-made module (``ImportError: cannot import name ... partially
initialized module``). So each package ``__init__`` of sarcostat names its
public objects and the modules defining them, and imports them on first
use::

    TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing

    if TYPE_CHECKING:  # the names, for type checkers, IDEs and the docs
        from sarcostat.stats.ancova import ls_means
    else:
        __getattr__, __dir__ = lazy_package(__name__, {"ancova": ["ls_means"]})

``from sarcostat.stats import ls_means`` and ``sarcostat.stats.ls_means`` work
as before; so does ``sarcostat.stats.ancova`` after ``import sarcostat.stats``
(a module is imported when first named). tests/test_import_cycles.py holds
the import graph acyclic and the two lists equal.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: `import sarcostat.stats` stays light
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any


class _LazyPackage(ModuleType):
    """A package whose public name may also be one of its modules' names
    (``sarcostat.assess.agreement``: the function, and the Cohen's kappa
    module). Importing the module sets the package's attribute of that name
    to the module; here the public object keeps the name, as when the
    package imported its modules itself (they came first, then the names)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            isinstance(value, ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
            and name in self.__dict__.get("_lazy_exports", ())
        ):
            return
        super().__setattr__(name, value)


def lazy_package(
    package: str, exports: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of package ``package``.

    ``exports`` maps a module of the package (its name inside the package,
    e.g. ``"ancova"``) to the public names it defines. A name is imported
    from its module when first asked for, then kept in the package (unless
    the module makes it afresh on each look-up, with a ``__getattr__`` of its
    own, as `sarcostat.study.plan` does ``DEFAULT_PLAN_TOML``). Any
    other name that is a module of the package is imported when first
    asked for, as ``import package.name`` would."""
    where = {name: module for module, names in exports.items() for name in names}
    namespace = sys.modules[package]
    namespace.__dict__["_lazy_exports"] = frozenset(where)
    namespace.__class__ = _LazyPackage

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is not None:
            defining = importlib.import_module(f"{package}.{module}")
            value = getattr(defining, name)
            if name in defining.__dict__:
                # Kept, so the next look-up finds it at once; not when the
                # module makes it afresh each time (its own __getattr__).
                setattr(namespace, name, value)
            return value
        if not name.startswith("_"):
            from importlib.util import find_spec

            if find_spec(f"{package}.{name}") is not None:
                return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        import pkgutil

        modules = {m.name for m in pkgutil.iter_modules(namespace.__path__)}
        return sorted(set(namespace.__dict__) | set(where) | modules)

    return __getattr__, __dir__

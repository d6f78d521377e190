"""No import cycle among sarcostat's modules, so that first imports from
several threads at once are safe.

Python imports a module under a per-module lock. Two threads importing
for the first time at once wait for each other's modules and both finish,
unless the modules they import form a cycle: then each holds a lock the
other needs, Python's deadlock detection hands one of them a half-made
module and it fails (``ImportError: cannot import name ... partially
initialized module``, or ``_DeadlockError``). With an acyclic import graph
that cannot happen, whoever calls sarcostat first from which thread.

The graph is read from the source with `ast`: the imports that run when a
module is imported (module level, class bodies, ``try``/``if`` blocks; not
function bodies, not ``if TYPE_CHECKING:`` blocks), plus one edge from every
module to its package, because Python imports the package first, while
holding the module's own lock. So a package ``__init__`` that imports its
own modules is a cycle: it hands its names on lazily (PEP 562
``__getattr__``) instead.

Run as a script (``python tests/test_import_cycles.py [SRC]``) to print the
cycles of a source tree, e.g. of an older checkout.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def module_files(src: Path, package: str = "sarcostat") -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` under ``src``."""
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_nodes(body: list[ast.stmt]):
    """The import statements of ``body`` that run when the module is imported."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _import_time_nodes(node.body)
            yield from _import_time_nodes(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _import_time_nodes(block)
            for handler in node.handlers:
                yield from _import_time_nodes(handler.body)
        elif isinstance(node, ast.With | ast.For | ast.While):
            yield from _import_time_nodes(node.body)
            yield from _import_time_nodes(getattr(node, "orelse", []))
        elif isinstance(node, ast.ClassDef):
            yield from _import_time_nodes(node.body)


def _type_checking_imports(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom) and inner.module and not inner.level:
                    yield inner


def lazy_exports(src: Path = SRC) -> dict[str, dict[str, str]]:
    """package -> {name: module defining it}: what each package ``__init__``
    hands on lazily, read from its ``if TYPE_CHECKING:`` imports."""
    out: dict[str, dict[str, str]] = {}
    for module, path in module_files(src).items():
        if path.name == "__init__.py":
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in _type_checking_imports(tree.body):
                for alias in node.names:
                    out.setdefault(module, {})[alias.asname or alias.name] = str(node.module)
    return out


def import_graph(src: Path = SRC) -> dict[str, dict[str, str]]:
    """module -> {imported sarcostat module: why (``file:line`` statement)}.

    ``from package import name`` of a name the package hands on lazily
    leads to the module defining it too: asking for the name imports it."""
    files = module_files(src)
    lazy = lazy_exports(src)
    graph: dict[str, dict[str, str]] = {m: {} for m in files}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        rel = path.relative_to(src)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _import_time_nodes(tree.body):
            where = f"{rel}:{node.lineno} {ast.unparse(node)}"
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = module.split(".")
                    if not is_package:
                        anchor = anchor[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base]
                for alias in node.names:
                    targets.append(f"{base}.{alias.name}")
                    package, name = base, alias.name
                    while name in lazy.get(package, {}) and len(targets) < 50:
                        package = lazy[package][name]  # followed through re-exports
                        targets.append(package)
            for target in targets:
                if target in files and target != module:
                    graph[module].setdefault(target, where)
        parent = module.rpartition(".")[0]
        if parent in files:
            # Importing a.b.c imports a.b first, holding a.b.c's lock.
            graph[module].setdefault(parent, f"{rel} (its package {parent} is imported first)")
    return graph


def other_imports(src: Path = SRC) -> set[str]:
    """The modules outside sarcostat that its modules import anywhere
    (``from a import b`` gives ``a`` and ``a.b``, which may be a module)."""
    out = set()
    for path in module_files(src).values():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                out.add(node.module)
                out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {m for m in out if m.split(".")[0] not in ("sarcostat", "__future__")}


def cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan),
    each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found, key=lambda c: (-len(c), c))


def shortest_cycle(graph: dict[str, dict[str, str]], component: list[str]) -> list[str]:
    """One shortest cycle through the component's first module, as the
    statements that make it (``a -> b  because  file:line import ...``)."""
    members = set(component)
    start = component[0]
    prev: dict[str, str] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in graph[v]:
            if w not in members:
                continue
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                path.reverse()
                path.append(start)
                return [f"{a} -> {b}  ({graph[a][b]})" for a, b in zip(path, path[1:])]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return []  # pragma: no cover - a component always holds a cycle


def describe(graph: dict[str, dict[str, str]]) -> str:
    parts = []
    for component in cycles(graph):
        parts.append(
            f"cycle among {len(component)} modules: {', '.join(component)}\n  e.g. "
            + "\n       ".join(shortest_cycle(graph, component))
        )
    return "\n".join(parts)


def test_the_graph_sees_imports_that_run_at_import_time_only(tmp_path):
    pkg = tmp_path / "sarcostat"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from typing import TYPE_CHECKING\n")
    (pkg / "sub" / "__init__.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sarcostat.sub.a import A\n"
        "def __getattr__(name):\n    from sarcostat.sub import a\n    return a.A\n"
    )
    (pkg / "sub" / "a.py").write_text("from . import b\nclass A:\n    pass\n")
    (pkg / "sub" / "b.py").write_text(
        "try:\n    from sarcostat.sub import a as _a\nexcept ImportError:\n    pass\n"
    )
    graph = import_graph(tmp_path)
    assert graph["sarcostat.sub"] == {"sarcostat": graph["sarcostat.sub"]["sarcostat"]}
    assert set(graph["sarcostat.sub.a"]) == {"sarcostat.sub", "sarcostat.sub.b"}
    assert set(graph["sarcostat.sub.b"]) == {"sarcostat.sub", "sarcostat.sub.a"}
    assert cycles(graph) == [["sarcostat.sub.a", "sarcostat.sub.b"]]
    text = describe(graph)
    assert "sarcostat.sub.a -> sarcostat.sub.b  (sarcostat/sub/a.py:1 from . import b)" in text
    # A package __init__ that imports its own module is a cycle (the module
    # imports its package first).
    (pkg / "sub" / "b.py").write_text("X = 1\n")
    (pkg / "sub" / "__init__.py").write_text("from sarcostat.sub.b import X\n")
    assert cycles(import_graph(tmp_path)) == [["sarcostat.sub", "sarcostat.sub.b"]]


def test_no_import_cycle_among_sarcostat_modules():
    graph = import_graph()
    assert len(graph) > 100 and "sarcostat.stats.regression" in graph["sarcostat.stats.logistic"]
    assert not cycles(graph), (
        "import cycles among sarcostat's modules (two threads importing them for the "
        "first time at once can fail; see this file's docstring):\n" + describe(graph)
    )


if __name__ == "__main__":
    tree = Path(sys.argv[1]) if len(sys.argv) > 1 else SRC
    g = import_graph(tree)
    found = cycles(g)
    print(f"{len(g)} modules, {sum(len(v) for v in g.values())} import edges, {len(found)} cycles")
    print(describe(g))


# ------------------------------------------------------- concurrent first use
#: First uses of sarcostat, one per thread, all at once: modules, packages and
#: names a package hands on (``module:name``).
FIRST_USES = [
    "sarcostat.stats.logistic",
    "sarcostat.stats.ancova",
    "sarcostat.stats:ls_means",
    "sarcostat.assess.definitions.ewgsop2",
    "sarcostat.assess:classify",
    "sarcostat.study",
    "sarcostat.report",
    "sarcostat:read_cohort",
    "sarcostat.assay:quantify",
    "sarcostat.study.steps.table2",
]

_RACE = r"""
import importlib, json, os, sys, threading

sys.path.insert(0, sys.argv[1])  # this test's folder
import test_import_cycles as t

first_uses, rounds = json.loads(sys.argv[2]), int(sys.argv[3])
# What sarcostat imports from other packages is imported first, here: some of
# them fail when first imported from two threads at once themselves; the
# subject is sarcostat's own modules.
for name in sorted(t.other_imports()):
    try:
        importlib.import_module(name)
    except Exception:
        pass  # not installed, or not a module (from a import b)
assert not [m for m in sys.modules if m.split(".")[0] == "sarcostat"]


def first_use(target):
    module, _, name = target.partition(":")
    value = importlib.import_module(module)
    if name:
        getattr(value, name)


def race():
    # All threads start together; each makes its first use of sarcostat.
    barrier = threading.Barrier(len(first_uses))
    errors = []

    def run(target):
        barrier.wait()
        try:
            first_use(target)
        except BaseException as exc:
            errors.append(f"{target}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(u,)) for u in first_uses]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


failures = []
for _ in range(rounds):
    # A forked child of this process, which has never imported sarcostat, is
    # a fresh interpreter as far as sarcostat is concerned (no module of it
    # loaded; nothing removed from sys.modules): one each round.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(race()).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    failures.append(json.loads(out) if status == 0 and out else [f"child exited {status}"])
print(json.dumps(failures))
"""


def race_first_uses(src: Path, rounds: int, first_uses=FIRST_USES) -> list[list[str]]:
    """Per round (a fresh interpreter), the errors of the threads that each
    made one first use of sarcostat from ``src`` at the same moment."""
    import json
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run(
        [sys.executable, "-c", _RACE, here, json.dumps(first_uses), str(rounds)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_first_uses_from_many_threads_at_once_all_succeed():
    import pytest

    if not hasattr(__import__("os"), "fork"):
        pytest.skip("needs os.fork for fresh interpreters at low cost")
    rounds = race_first_uses(SRC, 20)
    assert len(rounds) == 20
    failed = [errors for errors in rounds if errors]
    assert not failed, f"{len(failed)} of 20 rounds failed, e.g. {failed[0]}"


def test_each_package_hands_on_the_names_it_declares():
    """The names a package ``__init__`` imports under ``TYPE_CHECKING`` (what
    type checkers, IDEs and the API docs see) are the ones it hands on at run
    time, each the object of the module named, and are in ``__all__``."""
    import importlib

    declared = lazy_exports()
    assert {"sarcostat", "sarcostat.stats", "sarcostat.assess", "sarcostat.io"} <= set(declared)
    for package, names in declared.items():
        namespace = importlib.import_module(package)
        lazy = namespace.__dict__.get("_lazy_exports")
        if lazy is not None:
            assert lazy == set(names), package
        assert set(names) <= set(getattr(namespace, "__all__", names)), package
        for name, module in names.items():
            value = getattr(importlib.import_module(module), name)
            got = getattr(namespace, name)
            assert got is value or (isinstance(value, str) and got == value), (package, name)
            assert name in dir(namespace), (package, name)
    # Made afresh on each look-up (it lists the steps registered by then).
    assert "DEFAULT_PLAN_TOML" not in vars(importlib.import_module("sarcostat.study"))


def test_a_public_name_keeps_its_name_when_its_module_is_imported():
    """``sarcostat.assess.agreement`` is the function, also after the Cohen's
    kappa module of that name is imported, whatever comes first."""
    code = (
        "import sarcostat.assess.agreement, sarcostat.assay.quantify\n"
        "from sarcostat.assess.agreement import kappa_table\n"
        "import sarcostat.assess as a, sarcostat.assay as q, sys, types\n"
        "from sarcostat.assess import agreement\n"
        "assert agreement is a.agreement and isinstance(agreement, types.FunctionType)\n"
        "assert isinstance(q.quantify, types.FunctionType)\n"
        "assert sys.modules['sarcostat.assess.agreement'].kappa_table is kappa_table\n"
        "assert a.sppb.__name__ == 'sarcostat.assess.sppb'\n"  # a module, on first use
        "print('ok')\n"
    )
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]

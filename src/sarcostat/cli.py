"""Command-line interface: ``sarcostat COMMAND ...``.

This module stays thin: it builds the parser, hands the parsed arguments to
one command module, and turns `SarcostatError`
into a one-line message and an exit code. Each subcommand lives in its own
module under `sarcostat.commands` exposing ``NAME``, ``HELP``,
``ORDER``, ``add_arguments(parser)`` and ``run(args) -> int``. Command
modules import heavy libraries inside ``run`` only, so ``--help`` is fast.

Exit codes: 0 success, 1 the data has errors (reported), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys

from sarcostat._version import __version__

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors, which is what we want; this
    subclass only makes the message name the program and suggest --help."""

    def error(self, message):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE,
            f"{self.prog}: error: {message}\nTry '{self.prog} --help' for more information.\n",
        )


def _command_modules():
    import sarcostat.commands as pkg

    mods = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        mods.append(importlib.import_module(f"sarcostat.commands.{info.name}"))
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sarcostat",
        description=(
            "Sarcopenia and biomarker statistics that match SPSS and R. "
            "Run 'sarcostat COMMAND --help' for the options of one command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"sarcostat {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full Python traceback on errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _command_modules():
        p = sub.add_parser(
            mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP)
        )
        p.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the full Python traceback on errors",
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


#: Documentation pages that explain the errors of a command: (title, path in
#: the source tree's docs/; the same page is on the documentation site).
_DOCS = {
    "plan": ("Analysis plan keys", "docs/plan.md"),
    "data": ("Map your columns", "docs/howto/map-columns.md"),
    "elisa": ("ELISA", "docs/assay.md"),
    "screen": ("Biomarker screening", "docs/screen.md"),
    "power": ("Power and published tables", "docs/power.md"),
    "check-table": ("Power and published tables", "docs/power.md"),
}


def docs_pointer(command: str | None, exc: BaseException) -> str:
    """' [docs: <title>, <path>]' for an error that a documentation page explains, else ''."""
    from sarcostat.exceptions import DataError, PlanError, ReadError

    if isinstance(exc, PlanError):
        key = "plan"
    elif command in ("elisa", "screen", "power", "check-table"):
        key = command
    elif (
        isinstance(exc, DataError)
        and not isinstance(exc, ReadError)
        and command in ("validate", "classify", "analyze", "demo")
    ):
        key = "data"
    else:
        return ""
    title, path = _DOCS[key]
    return f" [docs: {title}, {path}]"


#: Control characters that reach the terminal from user data (file, column,
#: plate names, cell values) are shown escaped: an ESC could recolour or
#: rewrite the screen, a bidi override reorder a message. Newline and tab are
#: layout; a carriage return is kept only where a progress line starts.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters (except newline and tab) escaped."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], str(text))


class _Escaping:
    """A text stream that escapes control characters on their way out."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        lead = "\r" if text.startswith("\r") else ""
        return self._stream.write(lead + printable(text[len(lead) :]))

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised so that cleanups (temporary output files) run."""


#: The signal that stopped the run, if any: a KeyboardInterrupt raised inside
#: a library callback can reach us as another exception (e.g. SystemError).
_SIGNALLED: list[int] = []


def _on_sigterm(signum, frame):
    _SIGNALLED.append(signum)
    raise _Terminated()


def _on_sigint(signum, frame):
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt()


def _redeliver(hook):
    """An unraisable hook: a signal's exception raised inside a finalizer (a
    weakref callback run by the garbage collector in the middle of matplotlib)
    is printed and dropped by Python, and the command would go on as if never
    interrupted. Deliver the signal again instead, so it stops the command
    where the interpreter can raise it; anything else goes to ``hook``."""

    def handle(unraisable):
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _SIGNALLED:
            _deliver_later(_SIGNALLED[-1])
            return
        hook(unraisable)

    return handle


def _deliver_later(signum: int) -> None:
    """Send ``signum`` to this process again from a helper thread, a moment
    from now. Sent from inside the unraisable hook, its handler ran before
    the hook returned, and the exception it raised there was dropped too:
    the signal was lost and the command wrote its whole report (a SIGTERM
    sent while the figures were written, in the fresh-clone CI). From here
    it arrives once the hook has returned; should it land in another
    finalizer, the hook sends it again."""
    import os
    import threading
    import time

    def send() -> None:
        time.sleep(0.01)
        os.kill(os.getpid(), signum)

    threading.Thread(target=send, name="sarcostat-redeliver", daemon=True).start()


#: glibc malloc settings of a command (see `_tune_malloc`).
_MMAP_THRESHOLD = 32 << 20
_TRIM_THRESHOLD = 256 << 20
_ARENA_MAX = 2


def _tune_malloc() -> None:
    """Let glibc's malloc keep freed blocks of up to 32 MiB for reuse.

    By default glibc hands a freed block of a few MiB back to the kernel
    (its mmap and trim thresholds adapt only slowly), so every column-sized
    temporary of a 10**6-row cohort (8 MB) comes back as fresh zeroed pages:
    analyze at 10**6 rows took 218,000 page faults and 2.3 s of system time;
    with these settings 144,000 and 1.1 s, at the same peak memory
    (benchmarks/README.md, pipeline). The same settings as glibc's
    ``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_`` variables, which
    win when the user sets them; nothing is changed on other C libraries,
    and the library's functions (not the CLI) never change them.

    It also keeps glibc to two arenas (``MALLOC_ARENA_MAX``, unless set):
    by default each thread that allocates (two plan threads, Arrow's and
    the PNG encoder's) may get an arena of its own, up to 8 per core, and
    memory freed in one is not reused by another. At 10**6 rows with
    missing values `analyze` peaked at 1.21-1.31 GB with the default and
    1.16-1.18 GB with two arenas (0.92-0.94 against 1.02 GB on a complete
    cohort), with less system time (1.4-1.6 against 2.3 s) and no slower.
    """
    import os

    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        if "MALLOC_ARENA_MAX" not in os.environ:
            mallopt(-8, _ARENA_MAX)  # M_ARENA_MAX
        if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_TRIM_THRESHOLD_" in os.environ:
            return
        mallopt(-3, _MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
        mallopt(-1, _TRIM_THRESHOLD)  # M_TRIM_THRESHOLD
    except (ValueError, OSError, AttributeError):  # not glibc, or no mallopt
        return


#: Allocations between the interpreter's youngest-generation collections
#: while a command runs (CPython's default is 700).
_GC_THRESHOLD = 10_000


def _tune_gc() -> tuple[int, int, int]:
    """Collect reference cycles less often while the command runs; returns
    the thresholds to restore.

    Importing scipy.stats, matplotlib and python-docx creates some 150,000
    long-lived objects. With CPython's default thresholds (700, 10, 10) the
    cycle collector then ran 620 young and 5 full collections in a report of
    10**4 rows, about 0.4 s of CPU (9%) scanning objects that are not garbage;
    at 10,000 allocations it runs about 40 young and no full one (0.15 s)
    at the same peak memory (benchmarks/README.md, pipeline). Reference
    counting still frees everything that is not in a cycle at once. Only the
    CLI does this, and only for the command; thresholds a caller has set
    are kept.
    """
    import gc

    old = gc.get_threshold()
    if old == (700, 10, 10):
        gc.set_threshold(_GC_THRESHOLD, 10, 10)
    return old


#: Commands that read no cohort, panel or plate (no Arrow buffers to pool).
_NO_DATA_COMMANDS = ("plan", "check-table", "serve")


def _tune_arrow_pool(command: str) -> list[str]:
    """Let Arrow's buffers come from its jemalloc pool while a data command
    runs, where this pyarrow has one; returns the variable it set, if any
    (removed after the command by `_restore_env`: the pool stays for the
    process, Arrow chose it when it loaded).

    With pyarrow's default pool (mimalloc) here, `validate` of a 430 MB CSV
    with unknown text columns spent 1.5-4.7 s of system time (fresh memory
    handed back to the kernel and faulted in again) against 0.8-1.0 s with
    jemalloc: 3.1-5.2 s against 2.4-2.6 s in all, at a lower peak
    (1.29 against 1.33-1.41 GB); `analyze` at 10**6 rows peaked about 80 MB
    lower (benchmarks/README.md, pipeline). Arrow picks its pool from
    ``ARROW_DEFAULT_MEMORY_POOL`` when its library loads, so this is set
    before pyarrow is first imported, and only when the user has not set it
    and pyarrow's build configuration (its ``arrow/util/config.h``) says
    jemalloc is compiled in (otherwise Arrow would print a warning and keep
    its default). Only the CLI does this; the library's functions never
    choose a pool.
    """
    import importlib.util
    import os
    import re
    from pathlib import Path

    if (
        command in _NO_DATA_COMMANDS
        or "ARROW_DEFAULT_MEMORY_POOL" in os.environ
        or "pyarrow" in sys.modules
    ):
        return []
    try:
        spec = importlib.util.find_spec("pyarrow")
        if spec is None or spec.origin is None:
            return []
        config = Path(spec.origin).parent / "include" / "arrow" / "util" / "config.h"
        text = config.read_text(encoding="utf-8", errors="replace")
        if not re.search(r"^#define ARROW_JEMALLOC\s*$", text, flags=re.MULTILINE):
            return []
    except (OSError, ImportError, ValueError):
        return []
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
    return ["ARROW_DEFAULT_MEMORY_POOL"]


#: Environment variables read once, when NumPy (and its OpenBLAS) first
#: loads, and the values a data command runs with (see `_tune_numpy`).
_NUMPY_SETTINGS = {
    # NumPy advises the kernel to back each array of 4 MiB or more with 2 MiB
    # pages. On a virtual machine that hands free memory back to its host
    # (free page reporting), those are exactly the blocks the host has taken
    # back, so faulting one in again costs the host's zeroing as well: 320 MB
    # of fresh 8 MB arrays took 0.07-1.25 s from run to run with huge pages
    # and a steady 0.13-0.16 s without. A 10**6-row cohort's column-sized
    # temporaries are such arrays: `validate` of a 278 MB CSV of 63 columns
    # took 3.8-5.2 s (1.6-2.9 s of it system time) with them and 2.9-3.0 s
    # (0.7 s) without; `analyze` at 10**6 rows spent 4.5 against 2.2-3.2 s
    # in the kernel (benchmarks/README.md, pipeline).
    "NUMPY_MADVISE_HUGEPAGE": "0",
    # The commands' matrices are small (a model's columns); OpenBLAS's idle
    # threads spin after each call, taking a core from Arrow's parser and the
    # second plan thread on a 2-core machine (2.5% of `validate`'s samples).
    "OPENBLAS_NUM_THREADS": "1",
}


def _tune_numpy(command: str) -> list[str]:
    """Set `_NUMPY_SETTINGS` for a data command before NumPy loads; returns
    the names this set (removed again after the command by `_restore_env`,
    while the choice stays for the process). A variable the user has set is kept, nothing is
    set once NumPy is loaded (it would be read by nobody), and only the CLI
    does this.
    """
    import os

    if command in _NO_DATA_COMMANDS or "numpy" in sys.modules:
        return []
    names = []
    for name, value in _NUMPY_SETTINGS.items():
        if name == "NUMPY_MADVISE_HUGEPAGE" and not sys.platform.startswith("linux"):
            continue
        if name not in os.environ:
            os.environ[name] = value
            names.append(name)
    return names


def _restore_env(names: list[str]) -> None:
    """Remove the variables a `_tune_*` function set, so that the caller's
    environment is as it was (what they chose stays for this process)."""
    import os

    for name in names:
        os.environ.pop(name, None)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code (also the console-script entry)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    import gc
    import signal
    import threading

    _tune_malloc()
    old_gc = _tune_gc()
    env_set = _tune_arrow_pool(args.command) + _tune_numpy(args.command)
    out, err = sys.stdout, sys.stderr
    from sarcostat import progress

    progress.configure(quiet=bool(getattr(args, "quiet", False)), stream=err)
    sys.stdout, sys.stderr = _Escaping(out), _Escaping(err)
    old_term = old_int = None
    old_hook = sys.unraisablehook
    _SIGNALLED.clear()
    if threading.current_thread() is threading.main_thread():
        old_term = signal.signal(signal.SIGTERM, _on_sigterm)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            old_int = signal.signal(signal.SIGINT, _on_sigint)
        sys.unraisablehook = _redeliver(old_hook)
    try:
        try:
            code = _run(args)
        except _Terminated:  # arrived before _run's own handlers (its first import)
            return _interrupted(15)
        except KeyboardInterrupt:
            return _interrupted(2)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            code = _quiet_stdout(code)
        except OSError as exc:
            print(f"sarcostat {args.command}: error: cannot write the output: {exc}.", file=err)
            _silence(out)
            code = EXIT_DATA
        return code
    finally:
        gc.set_threshold(*old_gc)
        _restore_env(env_set)
        sys.stdout, sys.stderr = out, err
        sys.unraisablehook = old_hook
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        if old_int is not None:
            signal.signal(signal.SIGINT, old_int)


def _silence(stream) -> None:
    # Point the stream at devnull so the interpreter's final flush stays quiet.
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _quiet_stdout(code: int) -> int:
    # `sarcostat ... | head` closed our stdout: not an error of the user's.
    _silence(sys.stdout)
    return code


def _interrupted(signum: int) -> int:
    if signum == 15:
        print("sarcostat: terminated", file=sys.stderr)
        return 143
    print("sarcostat: interrupted", file=sys.stderr)
    return 130


def _run(args) -> int:
    from sarcostat.exceptions import SarcostatError

    where = f"sarcostat {args.command}: error:"
    try:
        return int(args._run(args) or 0)
    except SarcostatError as exc:
        if args.debug:
            raise
        print(f"{where} {exc}{docs_pointer(args.command, exc)}", file=sys.stderr)
        return exc.exit_code
    except _Terminated:
        return _interrupted(15)
    except KeyboardInterrupt:
        return _interrupted(2)
    except BrokenPipeError:
        return _quiet_stdout(0)
    except OSError as exc:
        # The machine said no (permissions, disk, a vanished file): one line.
        if args.debug:
            raise
        name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"{where} {name}{exc.strerror or exc}.", file=sys.stderr)
        return EXIT_DATA
    except Exception as exc:  # noqa: BLE001 - the last net: a bug, said in one line
        if _SIGNALLED:
            # The signal surfaced as another exception inside a library.
            return _interrupted(_SIGNALLED[-1])
        if args.debug:
            raise
        print(
            f"{where} unexpected {type(exc).__name__}: {exc} (this is a bug in sarcostat; "
            "please report it with the command line; --debug shows the Python traceback).",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""Every file and folder that a sarcostat command writes goes through here.

The rules, for every command alike:

* Nothing the command did not create is replaced or deleted. A new file
  never replaces an existing one unless the user says ``--overwrite`` (or the
  command's older ``--force``). An output *folder* is written into only when
  it is new, empty, or an earlier output of the same command: its
  ``manifest.json`` carries `MARKER` and lists each file with its
  SHA-256, and only those files, still byte-identical to what sarcostat
  wrote, are replaced. ``--overwrite`` lets a command write beside foreign
  files in a folder; it never lets it replace one.
* No output path may resolve (symlinks and hard links followed) to an input.
* Every file is written to a temporary file in its own folder and renamed
  into place; the renames of one output happen with SIGINT/SIGTERM held
  back, so an interrupted or failed command leaves the previous complete
  output or nothing, and no temporary file.
* A path that cannot be written (missing folder, a file where a folder is
  expected, name too long, disk full, read-only, a device) gives a
  one-line `OutputError` naming it.

Text that goes into CSV cells is neutralized against formula injection
(`neutralize_cell`, OWASP); participant ids are withheld from report
text by `withhold_ids`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from sarcostat.exceptions import OutputError, ParameterError
from sarcostat.io.privacy import strip_id_mentions

__all__ = [
    "MARKER",
    "MANIFEST",
    "OutputFolder",
    "check_output_file",
    "check_output_folder",
    "neutralize_cell",
    "neutralize_frame",
    "neutralize_texts",
    "participant_ids",
    "withhold_ids",
    "withhold_ids_all",
    "write_file",
    "write_files",
    "write_csv",
    "write_text",
]

#: Written into every output folder's manifest.json; only a folder whose
#: manifest carries it (and names the same command) is ever written over.
MARKER = "sarcostat-output-folder/1"
MANIFEST = "manifest.json"
#: Temporary files are named ``.<final name><TMP_TAG><pid>-<random>``.
TMP_TAG = ".sarcostat-tmp-"
_TMP_RE = re.compile(r"^\..+" + re.escape(TMP_TAG) + r"(\d+)-[0-9a-f]{8}$")

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the file is too large for this file system or limit",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOENT: "a folder on the path does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EXDEV: "it is on another file system than its temporary file",
}


def report_time():
    """The time a report records (UTC): now, or the moment ``SOURCE_DATE_EPOCH``
    (seconds since 1970, the reproducible-builds convention) names when it is
    set, so that writing the same report again gives byte-identical files
    (report.html's header, manifest.json's ``created``, the dates inside
    tables.docx; matplotlib reads it for PDF and EPS itself)."""
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def os_error_message(exc: OSError, path) -> str:
    """One line for an OSError met while writing ``path``."""
    reason = _REASONS.get(exc.errno) or (exc.strerror or str(exc)).rstrip(".").lower()
    return f"cannot write {path}: {reason}."


# --------------------------------------------------------------------------- paths


def _display(path) -> str:
    return str(path)


def _same_file(a: Path, b: Path) -> bool:
    """a and b are one file (symlinks, hard links, '..' all resolved)."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _inputs(inputs: Iterable) -> list[Path]:
    return [Path(p) for p in inputs if p not in (None, "", "-")]


def _refuse_input(target: Path, inputs: list[Path], *, command: str, option: str) -> None:
    for inp in inputs:
        if _same_file(target, inp):
            raise ParameterError(
                f"The {option!r} option of {command} names {target}, which is the input file "
                f"{inp}; sarcostat never writes over its inputs. Choose another path."
            )


def _check_name(path: Path) -> None:
    """Name length checked before writing: some file systems truncate silently."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    # The temporary file's name is longer than the final one by the tag.
    longest = len(os.fsencode(path.name)) + len(TMP_TAG) + 20
    if len(os.fsencode(path.name)) > limit or longest > limit:
        raise OutputError(
            f"cannot write {path}: the name is too long ({len(os.fsencode(path.name))} bytes; "
            f"this folder allows names of at most {limit - len(TMP_TAG) - 20} bytes here)."
        )


def _check_parent(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not os.path.lexists(parent):
        raise OutputError(
            f"cannot write {path}: the folder {parent} does not exist; create it first."
        )
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: {parent} is a file, not a folder.")
    _check_name(path)


def _empty_path(path, option, command) -> None:
    if path is None or str(path).strip() == "":
        raise ParameterError(
            f"The {option!r} option of {command} must name a path. Got {str(path)!r} instead."
        )


def _os_errors_as_output_errors(fn):
    """Checks stat the path; an OSError there (name too long, a loop of
    links, permission) is a one-line OutputError naming the path."""
    import functools

    @functools.wraps(fn)
    def wrapper(path, *args, **kwargs):
        try:
            return fn(path, *args, **kwargs)
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise OutputError(os_error_message(exc, path)) from exc

    return wrapper


@_os_errors_as_output_errors
def check_output_file(
    path,
    *,
    command: str,
    inputs: Iterable = (),
    overwrite: bool = False,
    option: str = "-o",
    overwrite_flag: str = "--overwrite",
) -> Path:
    """Refuse a file path that cannot or may not be written; returns it as a Path.

    Called before any computation, so a long run never ends in a refusal.
    """
    _empty_path(path, option, command)
    raw = str(path)
    target = Path(raw)
    if raw.endswith(os.sep) or target.is_dir():
        raise ParameterError(
            f"The {option!r} option of {command} must name a file, and {target} is a folder."
        )
    _refuse_input(target, _inputs(inputs), command=command, option=option)
    if os.path.lexists(target):
        if target.exists() and not target.is_file():
            raise ParameterError(
                f"The {option!r} option of {command} names {target}, which is not a regular "
                f"file (a device, pipe or socket); choose a file path."
            )
        if not overwrite:
            raise ParameterError(
                f"{target} already exists; sarcostat does not replace files unless asked: "
                f"add {overwrite_flag} or choose another path."
            )
    _check_parent(target)
    return target


# --------------------------------------------------------------------------- signals


@contextlib.contextmanager
def _terminate_raises():
    """SIGTERM (and SIGHUP) raise KeyboardInterrupt while files are staged, so
    the cleanup runs instead of the process dying with temporary files."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    old = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None:
            continue
        try:
            # A handler the program installed itself (the CLI's) is kept.
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                old[sig] = signal.signal(sig, _raise)
        except (ValueError, OSError):  # pragma: no cover - unusual embedding
            pass
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _signals_held():
    """Hold back SIGINT/SIGTERM/SIGHUP during the renames of one output, so
    it lands whole; a signal that arrived meanwhile is delivered after."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    if hasattr(signal, "SIGHUP"):
        sigs.add(signal.SIGHUP)
    can = hasattr(signal, "pthread_sigmask")
    if can:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        if can:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --------------------------------------------------------------------------- writing


def _tmp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}{TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}")


def _stage(target: Path, writer: Callable[[Path], object]) -> Path:
    """Run ``writer(tmp)`` on a new temporary file beside ``target``."""
    tmp = _tmp_path(target)
    try:
        # Created here (exclusive) so a writer never follows a planted link.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(fd)
        writer(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException as exc:
        _discard(tmp)
        if isinstance(exc, OSError):
            raise OutputError(os_error_message(exc, target)) from exc
        raise
    return tmp


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)  # safe: a temporary file this process created (_stage)


def write_file(
    path,
    writer: Callable[[Path], object],
    *,
    command: str,
    inputs: Iterable = (),
    overwrite: bool = False,
    option: str = "-o",
    overwrite_flag: str = "--overwrite",
) -> Path:
    """Write one file atomically: ``writer(tmp_path)`` then rename to ``path``.

    The checks of `check_output_file` are repeated (the folder may have
    changed during a long computation).
    """
    target = check_output_file(
        path,
        command=command,
        inputs=inputs,
        overwrite=overwrite,
        option=option,
        overwrite_flag=overwrite_flag,
    )
    with _terminate_raises():
        tmp = _stage(target, writer)
        try:
            with _signals_held():
                os.replace(tmp, target)
        except BaseException as exc:
            _discard(tmp)
            if isinstance(exc, OSError):
                raise OutputError(os_error_message(exc, target)) from exc
            raise
    return target


def write_files(
    files: dict,
    *,
    command: str,
    inputs: Iterable = (),
    overwrite: bool = False,
    option: str = "-o",
    overwrite_flag: str = "--overwrite",
) -> list[Path]:
    """Write several files as one output: ``{path: writer}``, each ``writer(tmp_path)``.

    Every path is checked as by `check_output_file` before anything is
    written; all files are staged to temporary files, then renamed into place
    together with SIGINT/SIGTERM held back, so an interrupted or failed
    command leaves the previous files or none (a file set beside ``-o
    OUT.csv``: ``OUT_prevalence.csv``, ...).
    """
    targets = [
        (
            check_output_file(
                p,
                command=command,
                inputs=inputs,
                overwrite=overwrite,
                option=option,
                overwrite_flag=overwrite_flag,
            ),
            writer,
        )
        for p, writer in files.items()
    ]
    staged: list[tuple[Path, Path]] = []
    with _terminate_raises():
        try:
            for target, writer in targets:
                staged.append((_stage(target, writer), target))
            with _signals_held():
                for tmp, target in staged:
                    os.replace(tmp, target)
        except BaseException as exc:
            for tmp, _target in staged:
                _discard(tmp)  # those already renamed are gone; the rest removed
            if isinstance(exc, OSError) and not isinstance(exc, OutputError):
                raise OutputError(os_error_message(exc, staged[-1][1] if staged else "")) from exc
            raise
    return [t for t, _ in targets]


def write_text(path, text: str, **kwargs) -> Path:
    """`write_file` for a UTF-8 text."""
    return write_file(path, lambda p: Path(p).write_text(text, encoding="utf-8"), **kwargs)


def write_csv(path, frame, **kwargs) -> Path:
    """`write_file` for a DataFrame as CSV, text cells neutralized."""
    safe = neutralize_frame(frame)
    return write_file(path, lambda p: safe.to_csv(p, index=False), **kwargs)


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- folders


def _read_manifest(folder: Path) -> dict | None:
    """The folder's sarcostat manifest section, or None when there is none."""
    path = folder / MANIFEST
    try:
        if path.is_symlink() or not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    own = data.get("output") if isinstance(data, dict) else None
    if not isinstance(own, dict) or own.get("marker") != MARKER:
        return None
    files = own.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        return None
    return own


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _owned_files(folder: Path, own: dict) -> set[str]:
    """Listed files that are still exactly what sarcostat wrote."""
    out = set()
    for name, digest in own["files"].items():
        p = folder / name
        if name != Path(name).name or name in ("", ".", ".."):
            continue
        try:
            if p.is_symlink() or not p.is_file():
                continue
            if file_sha256(p) == digest:
                out.add(name)
        except OSError:
            continue
    return out


@_os_errors_as_output_errors
def check_output_folder(
    path,
    *,
    command: str,
    inputs: Iterable = (),
    overwrite: bool = False,
    option: str = "-o",
) -> tuple[Path, set[str], bool]:
    """Refuse a folder that may not be written; returns (folder, owned names, exists).

    ``owned`` are the files of an earlier output of the same command that
    may be replaced. Called before any computation, and again when writing.
    """
    _empty_path(path, option, command)
    folder = Path(str(path))
    ins = _inputs(inputs)
    _refuse_input(folder, ins, command=command, option=option)
    if not os.path.lexists(folder):
        _check_parent(folder)
        return folder, set(), False
    if not folder.is_dir():
        raise ParameterError(
            f"The {option!r} option of {command} must name a folder, and {folder} is a file "
            f"(or not a folder); choose another path."
        )
    try:
        entries = [
            e.name
            for e in os.scandir(folder)
            if not _TMP_RE.match(e.name) or _pid_alive(int(_TMP_RE.match(e.name).group(1)))
        ]
    except OSError as exc:
        raise OutputError(os_error_message(exc, folder)) from exc
    own = _read_manifest(folder)
    if own is not None and own.get("command") != command:
        if not overwrite:
            raise ParameterError(
                f"{folder} holds the output of 'sarcostat {own.get('command')}', not of "
                f"'sarcostat {command}'; choose another folder (add --overwrite to write beside "
                f"its files; none of them is replaced)."
            )
        own = None
    if entries and own is None and not overwrite:
        raise ParameterError(
            f"{folder} is not empty and is not an earlier output of 'sarcostat {command}' "
            f"(no sarcostat {MANIFEST}); sarcostat never replaces files it did not write. "
            f"Choose a new or empty folder, or add --overwrite to write beside its files "
            f"(none of them is replaced)."
        )
    if own is None and os.path.lexists(folder / MANIFEST):
        raise ParameterError(
            f"{folder / MANIFEST} exists and is not this command's; sarcostat leaves it alone. "
            f"Choose a new or empty folder."
        )
    owned = _owned_files(folder, own) if own is not None else set()
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write {folder}: permission denied.")
    return folder, owned, True


class OutputFolder:
    """An output folder written as one unit.

    >>> with OutputFolder("out", command="elisa", inputs=[plate]) as out:  # doctest: +SKIP
    ...     out.write_csv("qc.csv", qc)
    ...     out.write_text("qc_report.html", html)

    Files are staged as temporary files inside the folder; on a clean exit
    they are renamed into place together (signals held back), ``manifest.json``
    last, and files that the previous manifest listed but this run did not
    write are removed (only if still byte-identical to what sarcostat wrote).
    On an exception or a signal the staged files are deleted, the folder too
    when this run created it, and the previous output is left as it was.
    """

    def __init__(
        self,
        path,
        *,
        command: str,
        inputs: Iterable = (),
        overwrite: bool = False,
        option: str = "-o",
        manifest: dict | None = None,
    ):
        self.command = command
        self.option = option
        self.inputs = _inputs(inputs)
        self.overwrite = overwrite
        self.manifest = dict(manifest or {})
        self.path, self._owned, self._existed = check_output_folder(
            path, command=command, inputs=self.inputs, overwrite=overwrite, option=option
        )
        self._staged: dict[str, Path] = {}
        self._created = False
        self._guard = None

    # -- context -------------------------------------------------------------
    def __enter__(self) -> OutputFolder:
        # Checked again: the folder may have changed while the command computed.
        self.path, self._owned, self._existed = check_output_folder(
            self.path,
            command=self.command,
            inputs=self.inputs,
            overwrite=self.overwrite,
            option=self.option,
        )
        self._guard = _terminate_raises()
        self._guard.__enter__()
        if not self._existed:
            try:
                os.mkdir(self.path)
            except OSError as exc:
                self._guard.__exit__(None, None, None)
                raise OutputError(os_error_message(exc, self.path)) from exc
            self._created = True
        self._sweep_stale_temporaries()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                try:
                    self.commit()
                except BaseException:
                    self.abort()
                    raise
            else:
                self.abort()
        finally:
            self._guard.__exit__(None, None, None)
        return False

    # -- writing -------------------------------------------------------------
    def target(self, name: str) -> Path:
        if not name or name != Path(name).name or name in (".", ".."):
            raise ValueError(f"output file name must be a plain name, got {name!r}")
        return self.path / name

    def write(self, name: str, writer: Callable[[Path], object]) -> Path:
        """Stage ``name`` by ``writer(tmp_path)``; returns the final path."""
        target = self.target(name)
        if name == MANIFEST:
            raise ValueError("manifest.json is written by OutputFolder itself")
        self._check_target(target, name)
        if name in self._staged:
            _discard(self._staged.pop(name))
        self._staged[name] = _stage(target, writer)
        return target

    def write_text(self, name: str, text: str) -> Path:
        return self.write(name, lambda p: Path(p).write_text(text, encoding="utf-8"))

    def write_bytes(self, name: str, data: bytes) -> Path:
        return self.write(name, lambda p: Path(p).write_bytes(data))

    def write_csv(self, name: str, frame) -> Path:
        safe = neutralize_frame(frame)
        return self.write(name, lambda p: safe.to_csv(p, index=False))

    def staged(self, name: str) -> Path:
        """The temporary file of a staged ``name`` (to read back what was written)."""
        return self._staged[name]

    @property
    def names(self) -> list[str]:
        return sorted(self._staged)

    def _check_target(self, target: Path, name: str) -> None:
        _refuse_input(target, self.inputs, command=self.command, option=self.option)
        if os.path.lexists(target) and name not in self._owned:
            raise ParameterError(
                f"{target} already exists and was not written by 'sarcostat {self.command}' "
                f"(or was changed since); sarcostat leaves it alone. Move it or choose another "
                f"folder."
            )

    def _sweep_stale_temporaries(self) -> None:
        """Temporary files of an earlier run that was killed outright (SIGKILL)."""
        for e in os.scandir(self.path):
            m = _TMP_RE.match(e.name)
            if m and not _pid_alive(int(m.group(1))) and e.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(e.path)  # safe: sarcostat's own temp name, its process is gone

    # -- commit / abort ------------------------------------------------------
    def commit(self) -> None:
        from sarcostat._version import __version__

        files = {name: file_sha256(tmp) for name, tmp in self._staged.items()}
        body = dict(self.manifest)
        body.setdefault("files", sorted([*files, MANIFEST]))
        body["output"] = {
            "marker": MARKER,
            "command": self.command,
            "sarcostat_version": __version__,
            "files": files,
        }
        text = json.dumps(body, indent=2, ensure_ascii=False, default=str)
        manifest_tmp = _stage(
            self.path / MANIFEST, lambda p: Path(p).write_text(text, encoding="utf-8")
        )
        self._staged[MANIFEST] = manifest_tmp
        # Checked once more right before the renames.
        for name in files:
            self._check_target(self.path / name, name)
        mpath = self.path / MANIFEST
        if os.path.lexists(mpath) and not self._manifest_is_ours(mpath):
            raise ParameterError(
                f"{mpath} exists and is not sarcostat's; sarcostat leaves it alone. "
                f"Move it or choose another folder."
            )
        try:
            with _signals_held():
                for name, tmp in self._staged.items():
                    if name != MANIFEST:
                        os.replace(tmp, self.path / name)
                os.replace(manifest_tmp, mpath)
                self._staged.clear()
                for name in sorted(self._owned - set(files) - {MANIFEST}):
                    stale = self.path / name
                    if any(_same_file(stale, i) for i in self.inputs):
                        continue
                    with contextlib.suppress(OSError):
                        # Listed in this command's own manifest and still
                        # byte-identical to what sarcostat wrote (_owned_files).
                        os.unlink(stale)  # safe: our own manifest's file
        except OSError as exc:
            raise OutputError(os_error_message(exc, self.path)) from exc

    def _manifest_is_ours(self, path: Path) -> bool:
        return _read_manifest(path.parent) is not None

    def abort(self) -> None:
        for tmp in self._staged.values():
            _discard(tmp)
        self._staged.clear()
        if self._created:
            with contextlib.suppress(OSError):
                os.rmdir(self.path)  # safe: this run created it; rmdir only removes it empty


# --------------------------------------------------------------------------- cell text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


#: Control characters that XML 1.0 (so an XLSX or DOCX cell) cannot hold at
#: all; tab, newline and carriage return are allowed.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape_control(m: re.Match) -> str:
    return f"\\x{ord(m.group(0)):02x}"


def neutralize_cell(value):
    """A text cell that a spreadsheet would run as a formula, made inert.

    OWASP's rule: a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return
    gets a leading apostrophe. Text that reads as a plain number ("-3.2",
    "+5", "-1e-3") is left as it is, so negative numbers stay numbers.
    Control characters that a workbook cannot store (ESC, NUL, vertical tab,
    ...) are written visibly as ``\x1b``, in CSV and XLSX alike.
    """
    if not isinstance(value, str) or not value:
        return value
    if _XML_ILLEGAL.search(value):
        value = _XML_ILLEGAL.sub(_escape_control, value)
    if not value.startswith(_FORMULA_START):
        return value
    # Only a sign may start a number: a leading tab or carriage return is
    # neutralized whatever follows ("\t0" stripped would read as a number).
    if value[0] in "+-" and _NUMBER.match(value.rstrip()):
        return value
    return "'" + value


def neutralize_frame(frame):
    """Copy of ``frame`` with every text cell and header passed through
    `neutralize_cell`; numeric columns are untouched."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = _neutralize_series(s)
    out.columns = [neutralize_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def neutralize_texts(texts):
    """`neutralize_frame` for a text column given a row slice at a time:
    ``texts(rows)`` (a pandas string array) -> the same cells neutralized."""
    import pandas as pd

    def neutral(rows):
        return _neutralize_series(pd.Series(texts(rows), copy=False)).array

    return neutral


#: A formula character after a line break of `_neutralize_series`'s joined text.
_FORMULA_AFTER_BREAK = re.compile(r"\n[=+\-@\t\r]")
#: str.translate table deleting the characters `_XML_ILLEGAL` matches.
_DROP_XML_ILLEGAL = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32)]}


def _neutralize_series(s):
    """`neutralize_cell` of every cell of a text column: the cells that
    start with a formula character are found by one vectorized test, so a
    10**6-row column costs milliseconds, not a Python call per cell."""
    # An object column (pandas' str columns are tested by Arrow below): most
    # need nothing, and their cells joined into one text are searched once in
    # C (two regex scans) instead of cell by cell. A hit (a line break in a
    # cell can make a false one) sends the column to the exact test below.
    joined = None
    if s.dtype == object:
        try:
            joined = "\n".join(filter(None, s.to_numpy()))
        except TypeError:  # a cell that is neither text nor None (NaN, a number)
            joined = None
    if joined is not None:
        # (a regex alternation '^|\n' or a character class scans the text 4-10x slower)
        formula = joined.startswith(_FORMULA_START) or _FORMULA_AFTER_BREAK.search(joined)
        illegal = len(joined.translate(_DROP_XML_ILLEGAL)) != len(joined)
        if not (formula or illegal):
            return s
    try:
        starts = s.str.startswith(_FORMULA_START)
    except (AttributeError, TypeError):  # an object column with no text in it
        return s.map(neutralize_cell, na_action="ignore")
    # and the control characters a workbook cannot hold, wherever they are
    illegal = s.str.contains(_XML_ILLEGAL, regex=True)
    mask = starts.fillna(False).to_numpy(dtype=bool) | illegal.fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        return s
    values = s.to_numpy(dtype=object, copy=True)
    values[mask] = [neutralize_cell(v) for v in values[mask]]
    return s._constructor(values, index=s.index, name=s.name)


# --------------------------------------------------------------------------- privacy

_ID_MENTION = re.compile(r"\(?\bids?\s*=\s*[^\s,;:)]+\)?")


def participant_ids(result) -> list[str]:
    """The cohort's participant ids of a study result (to withhold from report
    text), if it carries its analysis data."""
    data = getattr(result, "data", None)
    if data is None or "id" not in getattr(data, "columns", ()):
        return []
    return [str(i) for i in data["id"].dropna()]


def withhold_ids(text: str, ids: Iterable[str] = ()) -> str:
    """``text`` with participant ids removed.

    The rule is structural: messages name participants only through
    `sarcostat.io.privacy.mention_ids` (``(id=7)``, ``(ids=7, 12)``), and
    that marker is removed whatever the ids look like; a bare ``id=S0123``
    (older wording, a user's plan) is removed too. The words of the text are
    never compared with the ids: an id such as ``male``, ``total`` or ``12``
    would otherwise erase those words and numbers from the report.
    ``ids`` is accepted for compatibility and not used."""
    del ids
    text = strip_id_mentions(text)
    return _ID_MENTION.sub("(id withheld)", text)


def withhold_ids_all(texts: Iterable[str], ids: Iterable[str] = ()) -> list[str]:
    """`withhold_ids` of every text (a report's warnings). The rule is the
    structural marker rule, so its cost does not grow with the number of ids."""
    return [withhold_ids(str(t)) for t in texts]

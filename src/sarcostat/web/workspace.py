"""The private temporary workspace of one ``sarcostat serve`` process.

Every upload and every output lives under one folder made by
`tempfile.mkdtemp` (mode 0700, so other users of the machine cannot
read it) and removed when the server stops. Files are reached only through
the records kept here (a dataset, a run, an ELISA job, each with a random
id and the list of files it wrote): no path in a request is ever joined to
the folder, so a request cannot name a file outside it.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Cohort formats the upload page accepts (the readers of sarcostat.io).
COHORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".sav", ".dta", ".parquet")

_ID = re.compile(r"^[0-9a-f]{16}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def new_id() -> str:
    """A random, unguessable record id (16 hex digits)."""
    return secrets.token_hex(8)


def is_id(text: str) -> bool:
    return bool(_ID.match(text or ""))


def safe_name(filename: str | None, default: str = "upload") -> str:
    """A file name that is safe to create inside the workspace.

    Browsers send the name the user's file had; it may hold folders
    (``..\\..\\x.csv``), control characters or nothing at all. Only the last
    part is kept, with anything but letters, digits, dot, dash, underscore
    and space replaced, so the suffix the readers dispatch on survives.
    """
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = default
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (
            (stem[: 110 - len(suffix)] + dot + suffix) if dot and len(suffix) < 10 else name[:120]
        )
    return name


@dataclass
class Dataset:
    """An uploaded (or merged) cohort and the choices made about it."""

    id: str
    name: str  # the file name shown to the user
    path: Path
    sheet: str | int | None = None
    columns: list[dict] = field(default_factory=list)  # from jobs.inspect_columns
    auto_note: str = ""  # what the CLI's automatic mapping says (or its error)
    mapping: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] | None = None
    origin: str = "upload"

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def map_path(self) -> Path:
        return self.folder / "map.toml"

    @property
    def plan_path(self) -> Path:
        return self.folder / "plan.toml"


@dataclass
class Job:
    """A run of ``analyze``, an ELISA quantification or a classification.

    ``files`` maps each downloadable name to its path; it is the only way a
    download route reaches the disk.
    """

    id: str
    kind: str  # "run" | "elisa" | "classify"
    folder: Path
    dataset_id: str | None = None
    status: str = "queued"  # queued | running | done | failed
    steps: list[str] = field(default_factory=list)
    total_steps: int = 11
    stdout: str = ""
    error: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def progress(self) -> float:
        """Fraction done, 0-1 (1 only once finished)."""
        if self.status in ("done", "failed"):
            return 1.0
        return min(len(self.steps) / max(self.total_steps, 1), 0.95)

    def public(self) -> dict[str, Any]:
        """The job as the API returns it (no paths of this machine)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "dataset": self.dataset_id,
            "status": self.status,
            "progress": round(self.progress(), 3),
            "steps": list(self.steps),
            "error": self.error,
            "output": self.stdout,
            "files": sorted(self.files),
        }


class Workspace:
    """The temporary folder and the records of what is in it."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="sarcostat-serve-"))
        self.datasets: dict[str, Dataset] = {}
        self.jobs: dict[str, Job] = {}
        # One computation at a time: the machine's cores and memory go to it.
        self.compute_lock = threading.Lock()
        self.children: set = set()  # running CLI processes, stopped on close
        self.facts: dict[str, Any] = {}  # cached answers (what the CLI supports)
        self.closed = False

    def folder(self, kind: str) -> tuple[str, Path]:
        """A new record id and an empty folder for it."""
        rid = new_id()
        path = self.root / kind / rid
        path.mkdir(parents=True)
        return rid, path

    def dataset(self, did: str) -> Dataset | None:
        return self.datasets.get(did) if is_id(did) else None

    def job(self, jid: str, kind: str | None = None) -> Job | None:
        job = self.jobs.get(jid) if is_id(jid) else None
        if job is not None and kind is not None and job.kind != kind:
            return None
        return job

    def close(self) -> None:
        """Remove the workspace and everything in it."""
        if not self.closed:
            self.closed = True
            for proc in list(self.children):
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except Exception:
                    proc.kill()
            shutil.rmtree(self.root, ignore_errors=True)  # safe: made by mkdtemp in __init__


# -- TOML text of a map ---------------------------------------------------------
# The standard library reads TOML but does not write it; maps are small
# tables of strings and numbers, so a writer of that subset is enough.
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_string(text: str) -> str:
    # JSON's escapes (\" \\ \n \uXXXX) are valid in a TOML basic string;
    # DEL is the one control character JSON leaves raw and TOML refuses.
    return json.dumps(str(text), ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if _BARE.match(str(key)) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(value)


def dump_toml(doc: dict[str, dict], header: str = "") -> str:
    """Tables of keys as TOML text, with ``header`` as leading comment lines."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for section, table in doc.items():
        if not table:
            continue
        if lines:
            lines.append("")
        lines.append(f"[{_toml_key(section)}]")
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"

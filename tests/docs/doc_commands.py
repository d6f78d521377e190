"""Extract the runnable steps of a Markdown document, in order.

A step is either a command line of a ``console``/``sh``/``shell``/``bash``
fenced block that starts with ``$ `` (a trailing ``\\`` continues it on the
next line), or a whole ``python`` block. Command lines are run when they call
``sarcostat`` and followed when they are ``cd DIR``; any other ``$`` line
(``pip install``, ``source``...) is kept as a ``skip`` step so the tests can
list it. A comment ``# exit N`` on a command line states the exit code the
document promises (0 otherwise).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

SHELL_LANGS = {"console", "sh", "shell", "bash"}
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
_EXIT = re.compile(r"#.*\bexit (\d+)\b")


@dataclass(frozen=True)
class Step:
    kind: str  # "sarcostat", "cd", "python" or "skip"
    text: str  # the line (without "$ ") or the Python source
    line: int  # 1-based line of the document where it starts
    argv: tuple[str, ...] = ()
    exit_code: int = 0

    def where(self, doc: Path) -> str:
        return f"{doc.name}:{self.line}: {self.text.splitlines()[0]}"


def steps(path: Path) -> list[Step]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    out: list[Step] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang = m.group(2), m.group(3).lower()
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        body = lines[start:j]
        if lang == "python":
            out.append(Step("python", "\n".join(body), start + 1))
        elif lang in SHELL_LANGS:
            out.extend(_shell_steps(body, start + 1))
        i = j + 1
    return out


def _shell_steps(body: list[str], first_line: int) -> list[Step]:
    out = []
    k = 0
    while k < len(body):
        raw = body[k].strip()
        lineno = first_line + k
        k += 1
        if not raw.startswith("$ "):
            continue
        cmd = raw[2:]
        while cmd.endswith("\\") and k < len(body):
            cmd = cmd[:-1].rstrip() + " " + body[k].strip()
            k += 1
        m = _EXIT.search(cmd)
        code = int(m.group(1)) if m else 0
        argv = tuple(shlex.split(cmd, comments=True))
        kind = argv[0] if argv and argv[0] in ("sarcostat", "cd") else "skip"
        out.append(Step(kind, cmd, lineno, argv, code))
    return out

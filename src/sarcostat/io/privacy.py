"""One way to name participants in message text, so outputs can drop them.

Every warning or note that names participants (or ELISA samples) formats them
with `mention_ids`, which gives one marker: ``(id=P7)`` for one,
``(ids=7, 12, 31)`` for several. Because the marker is the only way an id gets
into such text, the report, results, manifest and screen writers remove it with
`strip_id_mentions` whatever the ids look like -- a short number such as
``7``, a word, or a value that also appears as data -- instead of guessing
which words of free text are ids. Console validation errors use the same
marker; they keep it, since the user needs the row to fix it.

The module sits in ``io`` (the leftmost layer) so every layer can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["ID_MENTION", "mention_ids", "strip_id_mentions"]

# The marker mention_ids writes: '(id=' or '(ids=' up to the closing bracket
# (mention_ids keeps brackets out of the ids, so the first ')' closes it).
ID_MENTION = re.compile(r"\(ids?=[^()]*\)")


def _plain(pid: Any) -> str:
    # A bracket inside an id would end the marker early and leave the rest of
    # the id behind when it is stripped; square brackets read the same.
    return str(pid).replace("(", "[").replace(")", "]")


def mention_ids(ids: Any, *, limit: int | None = None) -> str:
    """``(id=P7)`` or ``(ids=7, 12, 31)``: participant ids for message text.

    Parameters
    ----------
    ids : scalar or iterable
        One id, or several (strings are one id).
    limit : int, optional
        Name at most this many (the message gives the count itself).

    Returns
    -------
    str
        The marker, or ``""`` when there is no id.
    """
    if ids is None:
        return ""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        items = [ids]
    else:
        items = [i for i in ids if i is not None]
    if limit is not None:
        items = items[:limit]
    if not items:
        return ""
    text = ", ".join(_plain(i) for i in items)
    return f"(id={text})" if len(items) == 1 else f"(ids={text})"


def strip_id_mentions(text: Any, replacement: str = "(id withheld)") -> str:
    """``text`` with every `mention_ids` marker replaced by ``replacement``."""
    return ID_MENTION.sub(replacement, str(text))

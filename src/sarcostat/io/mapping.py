"""Column maps: which user column is which canonical variable, in which unit.

A map is a TOML file (or the same structure as a dict)::

    [columns]
    "Subject" = "id"
    "Ht" = {name = "height_cm", unit = "m"}

    [codes]
    sex = {1 = "male", 2 = "female"}

    [biomarkers]
    sclerostin = {unit = "pmol/L", column = "Sclerostin (pmol/L)", lod = 3.2}

    [protocol]
    muscle_mass_method = "bia"
    gait_distance_m = 4

Without a map (and for the columns a map leaves out) common headers are
recognised from the aliases in `sarcostat.io.variables`; each automatic
mapping is reported. Two columns that could be the same variable are an
error naming both: sarcostat never guesses between candidates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sarcostat.exceptions import SchemaError
from sarcostat.io.findings import Finding
from sarcostat.io.unit_names import UNIT_SPELLINGS, concentration_unit, normalize_unit
from sarcostat.io.variables import VARIABLES, get_variable, normalize_header, require_variable

__all__ = [
    "ColumnMap",
    "BiomarkerSpec",
    "load_mapping",
    "match_header",
    "Resolution",
    "resolve_columns",
    "normalize_unit",
    "CATEGORY_VALUES",
]

#: Allowed values of the category columns.
CATEGORY_VALUES = {"sex": ("male", "female"), "muscle_mass_method": ("bia", "dxa")}

# Units sarcostat knows but does not convert (a grip in newtons is not kg).
_FOREIGN_UNITS = {
    "n",
    "newton",
    "newtons",
    "percent",
    "pct",
    "min",
    "mins",
    "minutes",
    "kpa",
    "mmhg",
}
_PAREN = re.compile(r"^(?P<base>.*?)\s*[\(\[]\s*(?P<unit>[^\)\]]*?)\s*[\)\]]\s*$")

_ALIASES: dict[str, str] = {}
for _v in VARIABLES:
    if _v.name == "grip_<n>_kg" or _v.kind == "flag":
        continue
    for _a in _v.aliases:
        _ALIASES[normalize_header(_a)] = _v.name
_GRIP_ALIAS = re.compile(
    r"^(?:grip|hgs|handgrip|hand_grip|grip_strength)_?(?:trial_?)?(\d{1,2})(?:_kg)?$"
)


@dataclass(frozen=True)
class BiomarkerSpec:
    """A declared biomarker: its unit, its column in the file, its detection limit."""

    name: str
    unit: str
    column: str | None = None
    lod: float | None = None


@dataclass
class ColumnMap:
    """A parsed map file. See the module docstring for the TOML layout."""

    columns: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    biomarkers: dict[str, BiomarkerSpec] = field(default_factory=dict)
    protocol: dict[str, Any] = field(default_factory=dict)
    source: str = "mapping"


def _close(word: str, options: Iterable[str]) -> str:
    near = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""


def _canonical_names() -> list[str]:
    return [v.name for v in VARIABLES if v.kind != "flag" and v.name != "grip_<n>_kg"]


def load_mapping(
    mapping: str | Path | dict[str, Any] | ColumnMap | None, *, encoding: str | None = None
) -> ColumnMap:
    """Parse ``mapping`` (None, a TOML path, a dict or a ColumnMap) into a ColumnMap.

    Raises
    ------
    SchemaError
        The file is not valid TOML, or names an unknown section, canonical
        column, unit, code or protocol value.
    ReadError
        The map file does not exist.
    """
    if mapping is None:
        return ColumnMap()
    if isinstance(mapping, ColumnMap):
        return mapping
    if isinstance(mapping, dict):
        return _parse(mapping, "mapping")
    from sarcostat.exceptions import ReadError
    from sarcostat.io.readers import parse_toml, read_text_file

    p = Path(mapping)
    if not p.exists():
        raise ReadError(f"No such map file: '{mapping}'.")
    text = read_text_file(p, what="map file", encoding=encoding, error=SchemaError)
    doc = parse_toml(text, where=p.name, error=SchemaError)
    return _parse(doc, p.name)


def _parse(doc: dict, src: str) -> ColumnMap:
    allowed = ("columns", "codes", "biomarkers", "protocol")
    for key in doc:
        if key not in allowed:
            raise SchemaError(
                f"{src}: unknown section [{key}]; sections are {list(allowed)}.{_close(key, allowed)}"
            )
    cmap = ColumnMap(source=src)
    for name, spec in dict(doc.get("biomarkers", {})).items():
        bspec = _biomarker_spec(name, spec, src)
        cmap.biomarkers[bspec.name] = bspec
    for header, spec in dict(doc.get("columns", {})).items():
        if isinstance(spec, str):
            target, unit = spec, None
        elif isinstance(spec, dict) and "name" in spec:
            target, unit = spec["name"], spec.get("unit")
            extra = set(spec) - {"name", "unit"}
            if extra:
                raise SchemaError(
                    f"{src}: [columns] '{header}' has unknown keys {sorted(extra)}; "
                    "use {name = ..., unit = ...}."
                )
        else:
            raise SchemaError(
                f"{src}: [columns] '{header}' must be a canonical name or "
                '{name = "...", unit = "..."}.'
            )
        target = str(target)
        if target in cmap.biomarkers:
            raise SchemaError(
                f"{src}: '{target}' is a biomarker; give its column in "
                f'[biomarkers] {target} = {{unit = ..., column = "{header}"}}.'
            )
        var = get_variable(target)
        if var is None or var.kind == "flag":
            raise SchemaError(
                f"{src}: [columns] '{header}' = '{target}': '{target}' is not a canonical "
                f"column (see docs/variables.md).{_close(target, _canonical_names())}"
            )
        if unit is not None:
            norm = normalize_unit(unit)
            if norm is None or norm not in var.units:
                raise SchemaError(
                    f"{src}: [columns] '{header}': unit '{unit}' is not accepted for "
                    f"{target}; use one of {[u for u in var.units if u] or ['(none)']}."
                )
            unit = norm
        cmap.columns[str(header)] = (target, unit)
    for target, codes in dict(doc.get("codes", {})).items():
        if target not in CATEGORY_VALUES:
            raise SchemaError(
                f"{src}: [codes] only applies to {sorted(CATEGORY_VALUES)}; got '{target}'."
            )
        if not isinstance(codes, dict):
            raise SchemaError(
                f'{src}: [codes] {target} must be a table like {{1 = "male", 2 = "female"}}.'
            )
        table = {}
        for code, value in codes.items():
            val = str(value).strip().lower()
            if val not in CATEGORY_VALUES[target]:
                raise SchemaError(
                    f"{src}: [codes] {target}: '{value}' is not one of "
                    f"{list(CATEGORY_VALUES[target])}."
                )
            table[_code_key(code)] = val
        cmap.codes[target] = table
    proto = dict(doc.get("protocol", {}))
    if "muscle_mass_method" in proto:
        m = str(proto["muscle_mass_method"]).strip().lower()
        if m not in CATEGORY_VALUES["muscle_mass_method"]:
            raise SchemaError(
                f"{src}: [protocol] muscle_mass_method must be 'bia' or 'dxa'; "
                f"got '{proto['muscle_mass_method']}'."
            )
        proto["muscle_mass_method"] = m
    if "gait_distance_m" in proto:
        d = proto["gait_distance_m"]
        if isinstance(d, bool) or not isinstance(d, (int, float)) or not 2 <= d <= 10:
            raise SchemaError(
                f"{src}: [protocol] gait_distance_m must be a number of metres "
                f"between 2 and 10; got {d!r}."
            )
        proto["gait_distance_m"] = float(d)
    cmap.protocol = proto
    return cmap


def _code_key(code: Any) -> str:
    """Codes compare as text: 1, 1.0 and '1' are the same code."""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    text = str(code).strip()
    try:
        f = float(text)
        if f.is_integer():
            return str(int(f))
    except ValueError:
        pass
    return text.lower()


def _biomarker_spec(name: Any, spec: Any, src: str) -> BiomarkerSpec:
    # A name that is already a valid identifier is kept as given ("SOST" stays
    # "SOST"), so callers find the column under the name they declared.
    key = str(name) if str(name).isidentifier() else normalize_header(name)
    if not key or not key[0].isalpha():
        raise SchemaError(f"{src}: biomarker name '{name}' must start with a letter.")
    norm = normalize_header(key)
    clash = get_variable(key)
    if clash is not None or norm in _ALIASES:
        raise SchemaError(
            f"{src}: biomarker name '{name}' clashes with the canonical column "
            f"'{clash.name if clash is not None else _ALIASES[norm]}'."
        )
    if isinstance(spec, str):
        return BiomarkerSpec(key, spec)
    if not isinstance(spec, dict) or "unit" not in spec:
        raise SchemaError(
            f"{src}: biomarker '{name}' needs a unit: {name} = {{unit = \"pmol/L\"}}."
        )
    extra = set(spec) - {"unit", "column", "lod"}
    if extra:
        raise SchemaError(
            f"{src}: biomarker '{name}' has unknown keys {sorted(extra)}; "
            "allowed are unit, column, lod."
        )
    lod = spec.get("lod")
    if lod is not None and (isinstance(lod, bool) or not isinstance(lod, (int, float)) or lod <= 0):
        raise SchemaError(f"{src}: biomarker '{name}': lod must be a positive number; got {lod!r}.")
    return BiomarkerSpec(
        key, str(spec["unit"]), spec.get("column"), None if lod is None else float(lod)
    )


def match_header(header: str) -> tuple[str, str | None, str | None] | None:
    """Recognise a user header.

    Returns
    -------
    (canonical, unit, unit_text) or None
        ``unit`` is the canonical spelling of a unit found in the header (None
        when the header carries none); ``unit_text`` is that unit as written,
        so callers can refuse a unit the variable does not accept.
    """
    text = str(header)
    unit_text = None
    m = _PAREN.match(text)
    if m and m["base"].strip():
        unit_text = m["unit"]
        base = m["base"]
    else:
        base = text
    key = normalize_header(base)
    found = _lookup(key)
    if found is not None:
        if unit_text is None:
            return found, None, None
        unit = normalize_unit(unit_text)
        if unit is None and normalize_header(unit_text) not in _FOREIGN_UNITS:
            # "(dominant hand)", "(visit 1)": a remark, not a unit.
            return found, None, None
        return found, unit, unit_text
    if unit_text is None:
        # Unit glued to the name: weight_lb, Height_m, gait_speed_cm_s.
        for spelling in sorted(UNIT_SPELLINGS, key=len, reverse=True):
            if key.endswith("_" + spelling):
                stem = key[: -len(spelling) - 1]
                found = _lookup(stem)
                if found is not None:
                    return found, UNIT_SPELLINGS[spelling], spelling
    return None


def _lookup(key: str) -> str | None:
    if key in _ALIASES:
        return _ALIASES[key]
    g = _GRIP_ALIAS.match(key)
    if g:
        return f"grip_{int(g.group(1))}_kg"
    return None


def match_biomarker_header(header: str) -> tuple[str, str] | None:
    """'Sclerostin (pmol/L)' -> ('sclerostin', 'pmol/L'); 'IL6_pg_mL' -> ('il6', 'pg/mL')."""
    text = str(header)
    m = _PAREN.match(text)
    if m and m["base"].strip():
        unit = concentration_unit(m["unit"])
        name = normalize_header(m["base"])
    else:
        key = normalize_header(text)
        parts = key.split("_")
        unit = name = None
        for k in (3, 4):  # pg_ml, pmol_l, mg_dl; "pg_per_ml"
            if len(parts) > k - 1:
                tail = "_".join(parts[-(k - 1) :])
                u = concentration_unit(tail)
                if u is not None:
                    unit, name = u, "_".join(parts[: -(k - 1)])
                    break
    if unit is None or not name or not name[0].isalpha():
        return None
    if get_variable(name) is not None or name in _ALIASES:
        return None
    return name, unit


@dataclass
class Resolution:
    """How each user header is used."""

    columns: dict[str, tuple[str, str | None]]  # header -> (canonical, unit or None)
    biomarkers: dict[str, BiomarkerSpec]  # canonical biomarker -> spec (column filled)
    extras: list[str]
    findings: list[Finding]
    auto: dict[str, str]  # header -> canonical, automatic only
    declared: set[str] = field(default_factory=set)  # canonicals whose unit the map states


def _find_header(wanted: str, headers: list[str]) -> str | None:
    if wanted in headers:
        return wanted
    norm = normalize_header(wanted)
    if not norm:
        return None
    hits = [h for h in headers if normalize_header(h) == norm]
    return hits[0] if len(hits) == 1 else None


def resolve_columns(headers: list[str], cmap: ColumnMap, *, file: str) -> Resolution:
    """Assign every header to a canonical column, a biomarker, or the extras.

    Raises
    ------
    SchemaError
        A mapped column is absent, two headers compete for one canonical
        column, or a header's unit is not accepted for its variable.
    """
    src = cmap.source
    assigned: dict[str, tuple[str, str | None]] = {}
    owner: dict[str, str] = {}  # canonical -> header
    findings: list[Finding] = []
    auto: dict[str, str] = {}

    def _missing(h: str) -> SchemaError:
        return SchemaError(
            f"{src} names column '{h}', which {file} does not have; its columns are "
            f"{headers}.{_close(h, headers)}"
        )

    declared: set[str] = set()
    for h, (target, unit) in cmap.columns.items():
        real = _find_header(h, headers)
        if real is None:
            raise _missing(h)
        if target in owner:
            raise SchemaError(
                f"{src} maps both '{owner[target]}' and '{real}' to {target}; keep one."
            )
        if unit is not None:
            declared.add(target)
        else:
            got = match_header(real)
            var = require_variable(target)
            if got is not None and got[1] is not None and got[1] in var.units:
                unit = got[1]  # "Height (m)" = "height_cm": the header's unit applies
        assigned[real] = (target, unit)
        owner[target] = real

    biomarkers: dict[str, BiomarkerSpec | None] = {}
    for name, spec in cmap.biomarkers.items():
        if spec.column is not None:
            real = _find_header(spec.column, headers)
            if real is None:
                raise _missing(spec.column)
        else:
            hits = [
                h
                for h in headers
                if h not in assigned
                and (
                    normalize_header(h) == normalize_header(name)
                    or (match_biomarker_header(h) or ("",))[0] == normalize_header(name)
                )
            ]
            if not hits:
                raise SchemaError(
                    f"{src} declares biomarker '{name}' but {file} has no column of that "
                    f'name; add column = "..." to say which one.{_close(name, headers)}'
                )
            if len(hits) > 1:
                raise SchemaError(
                    f"{src} declares biomarker '{name}' and columns {hits} all match; "
                    'add column = "..." to say which one.'
                )
            real = hits[0]
        if real in assigned:
            raise SchemaError(
                f"{src}: column '{real}' is mapped to {assigned[real][0]} and declared as "
                f"biomarker '{name}'; choose one."
            )
        biomarkers[name] = BiomarkerSpec(name, spec.unit, real, spec.lod)
        assigned[real] = (name, spec.unit)
        owner[name] = real

    candidates: dict[str, list[tuple[str, str | None]]] = {}
    extras: list[str] = []
    for h in headers:
        if h in assigned:
            continue
        got = match_header(h)
        if got is not None:
            target, unit, unit_text = got
            var = require_variable(target)
            if unit_text is not None and (unit is None or unit not in var.units):
                raise SchemaError(
                    f"{file}: column '{h}' looks like {target}, but its unit '{unit_text}' is not one "
                    f"sarcostat converts ({', '.join(u for u in var.units if u) or 'unitless'}); convert "
                    f"the values or map the column explicitly."
                )
            candidates.setdefault(target, []).append((h, unit))
            continue
        bio = match_biomarker_header(h)
        if bio is not None:
            candidates.setdefault(bio[0], []).append((h, bio[1]))
            biomarkers.setdefault(bio[0], None)  # placeholder, filled below
            continue
        extras.append(h)

    for target, hs in candidates.items():
        if target in owner:
            for h, _ in hs:
                detail = (
                    f"column '{h}' also looks like {target}, but {src} assigns {target} to "
                    f"'{owner[target]}'; '{h}' is kept unused."
                )
                findings.append(
                    Finding("info", "mapping", f"{file}: {detail}", column=h, detail=detail)
                )
                extras.append(h)
            continue
        exact = [(h, u) for h, u in hs if normalize_header(h) == target]
        if len(hs) > 1 and len(exact) == 1:
            # A header spelled as the canonical name is the user's own choice,
            # not a guess: 'id' beats the alias 'code'.
            for h, _ in hs:
                if (h, _) != exact[0]:
                    detail = (
                        f"column '{h}' also looks like {target}, but '{exact[0][0]}' is named "
                        f"{target}; '{h}' is kept unused."
                    )
                    findings.append(
                        Finding("info", "mapping", f"{file}: {detail}", column=h, detail=detail)
                    )
                    extras.append(h)
            hs = exact
        if len(hs) > 1:
            names = ", ".join(f"'{h}'" for h, _ in hs)
            raise SchemaError(
                f"{file}: columns {names} could all be {target}; sarcostat does not guess. Map one of "
                f'them in a TOML map, e.g. [columns] "{hs[0][0]}" = "{target}", and rename or map the other(s).'
            )
        h, unit = hs[0]
        assigned[h] = (target, unit)
        owner[target] = h
        if biomarkers.get(target, 0) is None:
            biomarkers[target] = BiomarkerSpec(target, unit or "", h, None)
        if h != target:
            auto[h] = target
            conv = ""
            known = get_variable(target)
            if known is not None and unit is not None and unit != known.unit:
                conv = f" (converted from {unit} to {known.unit})"
            elif known is None:
                conv = f" (biomarker, {unit})"
            detail = f"mapped '{h}' -> {target}{conv}"
            findings.append(
                Finding("info", "mapping", f"{file}: {detail}", column=target, detail=detail)
            )
    found = {k: v for k, v in biomarkers.items() if v is not None}
    order = {h: i for i, h in enumerate(headers)}
    extras.sort(key=lambda h: order[h])
    return Resolution(assigned, found, extras, findings, auto, declared)


def declared_biomarkers(biomarkers: dict[str, Any] | None) -> dict[str, BiomarkerSpec]:
    """Parse the ``biomarkers=`` argument of read_cohort: {"name": "unit"} or {"name": {unit, column, lod}}."""
    if biomarkers is None:
        return {}
    if not isinstance(biomarkers, dict):
        from sarcostat.exceptions import ParameterError

        raise ParameterError(
            "The 'biomarkers' parameter of read_cohort must be a dict like "
            f"{{'sclerostin': 'pmol/L'}}. Got {type(biomarkers).__name__} instead."
        )
    out = {}
    for name, spec in biomarkers.items():
        s = _biomarker_spec(name, spec, "biomarkers=")
        out[s.name] = s
    return out

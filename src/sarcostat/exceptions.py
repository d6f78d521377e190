"""One exception and warning hierarchy for the whole package.

Each error also subclasses the built-in it refines, so ``except ValueError``
in user code keeps working. The CLI catches `SarcostatError` only:
anything else is a bug in sarcostat and is shown as such.
"""

from __future__ import annotations


class SarcostatError(Exception):
    """Root of every error that sarcostat raises on purpose."""

    #: Process exit code used by the CLI for this kind of error.
    exit_code = 1


class DataError(SarcostatError, ValueError):
    """The user's data cannot be used as given (wrong values, columns, file)."""


class SchemaError(DataError):
    """Columns are missing, duplicated, ambiguous or of the wrong type."""


class RangeError(DataError):
    """A value lies outside its plausible range."""


class UnitError(DataError):
    """A value looks like it was recorded in another unit."""


class ReadError(DataError):
    """A file cannot be opened or parsed."""


class ParameterError(SarcostatError, ValueError, TypeError):
    """A function or command was called with an invalid option.

    Messages follow one template: "The 'weights' parameter of ls_means must be
    one of {...}. Got 'equl' instead."
    """

    exit_code = 2


class PlanError(ParameterError):
    """An analysis plan is invalid (unknown column, option or value)."""


class OutputError(SarcostatError, OSError):
    """An output file or folder cannot be written (missing folder, disk full,
    read-only, name too long...). Refusals to replace files are ParameterError."""


class ModelError(SarcostatError, RuntimeError):
    """A model cannot be fitted (singular design, no variance, separation...)."""


class SarcostatWarning(UserWarning):
    """Root of sarcostat's warnings."""


class SeparationWarning(SarcostatWarning):
    """Complete or quasi-complete separation in a logistic model."""


class SmallCellWarning(SarcostatWarning):
    """Expected cell counts too small for the asymptotic test."""


class ExcludedRowsWarning(SarcostatWarning):
    """Rows were left out of an analysis (missing values, censoring...)."""


class LowEventsWarning(SarcostatWarning):
    """Fewer than 10 events per variable in a logistic model."""


def check_option(value, options, *, parameter: str, function: str):
    """Return ``value`` if it is one of ``options``, else raise ParameterError.

    The message uses one template for every option in the package.
    """
    if value not in options:
        shown = "{" + ", ".join(repr(o) for o in options) + "}"
        raise ParameterError(
            f"The {parameter!r} parameter of {function} must be one of {shown}. "
            f"Got {value!r} instead."
        )
    return value

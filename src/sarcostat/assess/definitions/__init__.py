"""Consensus definitions of sarcopenia, one module each.

Each module holds ``CITATION`` (with DOI), ``CUTOFFS`` (typed
`Cutoff` rows naming source, device and
whether they were verified) and ``DEFINITION``. ``REGISTRY`` maps the
definition names accepted by `sarcostat.assess.classify`.

``REGISTRY`` (defined in `sarcostat.assess.definitions.registry`) and the
definition modules are imported on first use (see `sarcostat._lazy`): this
package imports none of its modules itself, so that first imports from
several threads at once cannot meet in an import cycle.
"""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.assess.definitions.registry import REGISTRY
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    __getattr__, __dir__ = _lazy_package(__name__, {"registry": ["REGISTRY"]})

__all__ = ["REGISTRY"]

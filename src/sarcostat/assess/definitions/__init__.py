"""Consensus definitions of sarcopenia, one module each.

Each module holds ``CITATION`` (with DOI), ``CUTOFFS`` (typed
`Cutoff` rows naming source, device and
whether they were verified) and ``DEFINITION``. ``REGISTRY`` maps the
definition names accepted by `sarcostat.assess.classify`.
"""

from sarcostat.assess.definitions import (
    awgs2014,
    awgs2019,
    ewgsop1,
    ewgsop2,
    fnih2014,
    iwgs2011,
    sdoc2020,
)

REGISTRY = {
    m.DEFINITION.name: m.DEFINITION
    for m in (awgs2019, ewgsop2, ewgsop1, awgs2014, fnih2014, sdoc2020, iwgs2011)
}

"""``REGISTRY``: the sarcopenia definitions by the names that
`sarcostat.assess.classify` accepts (also ``sarcostat.assess.definitions.REGISTRY``)."""

from sarcostat.assess._cutoffs import Definition
from sarcostat.assess.definitions import (
    awgs2014,
    awgs2019,
    ewgsop1,
    ewgsop2,
    fnih2014,
    iwgs2011,
    sdoc2020,
)

REGISTRY: dict[str, Definition] = {
    m.DEFINITION.name: m.DEFINITION
    for m in (awgs2019, ewgsop2, ewgsop1, awgs2014, fnih2014, sdoc2020, iwgs2011)
}

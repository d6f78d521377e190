"""Osteosarcopenia: sarcopenia (a chosen definition) with osteoporosis or osteopenia.

Bone status follows the WHO densitometric categories on the lowest T-score
of the lumbar spine, femoral neck and total hip:

Kanis JA, on behalf of the WHO Study Group. Assessment of fracture risk and
its application to screening for postmenopausal osteoporosis. Osteoporos Int
1994;4(6):368-381. doi:10.1007/BF01622200 (WHO Technical Report Series 843).

- osteoporosis: lowest T-score <= -2.5 ("2.5 SD or more below the young
  adult mean");
- low bone mass (osteopenia or osteoporosis): lowest T-score <= -1.0, the
  rule issue 21 states. WHO's wording ("more than 1 SD below") would leave a
  T-score of exactly -1.0 normal; that boundary is therefore marked
  unverified and stated in every classification's notes.

Sarcopenia comes from any sarcopenia definition of
`sarcostat.assess.definitions` (AWGS 2019 by default). Categories:
``osteosarcopenia`` (sarcopenia and osteoporosis), ``sarcopenia with
osteopenia``, ``sarcopenia only``, ``osteoporosis only``, ``osteopenia
only``, ``neither``; the broad status ``osteosarcopenia_broad`` is
sarcopenia with osteopenia or osteoporosis (Hirschfeld HP, Kinsella R, Duque
G. Osteosarcopenia: where bone, muscle, and fat collide. Osteoporos Int
2017;28(10):2781-2790. doi:10.1007/s00198-017-4151-8).

Three-valued logic: the lowest T-score is known to be <= -2.5 as soon as one
site is; it is known to be above only when all three sites are measured.
"""

from sarcostat.assess._phenotype import Threshold

CITATION = (
    "Kanis JA (WHO Study Group). Assessment of fracture risk and its application to "
    "screening for postmenopausal osteoporosis. Osteoporos Int 1994;4(6):368-381. "
    "doi:10.1007/BF01622200"
)
_SRC = "WHO 1994 (Kanis 1994) densitometric criteria; primary text not read here"
_SRC_LOW = (
    "issue 21 rule (<= -1.0); WHO 1994 wording 'more than 1 SD below' would make -1.0 "
    "normal; primary text not read here"
)
SITES = ("t_score_lumbar", "t_score_femoral_neck", "t_score_total_hip")

THRESHOLDS = tuple(
    Threshold("osteoporosis", site, "any", "<=", -2.5, "SD", _SRC, False) for site in SITES
) + tuple(
    Threshold("low_bone_mass", site, "any", "<=", -1.0, "SD", _SRC_LOW, False) for site in SITES
)

CRITERIA = (
    ("osteoporosis", "Osteoporosis (lowest T-score <= -2.5)"),
    ("low_bone_mass", "Low bone mass (lowest T-score <= -1.0)"),
)

NOTES = (
    "Osteosarcopenia: bone status from the lowest T-score of lumbar spine, femoral neck and "
    "total hip; a participant with a site unmeasured is classified only when a measured "
    "site already decides (a missing site is never read as normal).",
    "Osteosarcopenia: osteopenia is lowest T-score <= -1.0 and > -2.5 as issue 21 states; "
    "WHO 1994's wording ('more than 1 SD below the young adult mean') would leave exactly "
    "-1.0 normal.",
)

"""The FRAIL scale (International Academy of Nutrition and Aging).

Morley JE, Malmstrom TK, Miller DK. A simple frailty questionnaire (FRAIL)
predicts outcomes in middle aged African Americans. J Nutr Health Aging
2012;16(7):601-608. doi:10.1007/s12603-012-0084-2

Five self-reported items, one point each; 3-5 = frail, 1-2 = pre-frail,
0 = robust:

- Fatigue: tired "all" or "most of the time" during the past 4 weeks
  (``frail_fatigue``, the item already scored 0/1);
- Resistance: difficulty walking up 10 steps alone without resting
  (``frail_resistance``, 0/1);
- Ambulation: difficulty walking several hundred yards (one block) alone
  (``frail_ambulation``, 0/1);
- Illnesses: 5 or more of the 11 listed illnesses (hypertension, diabetes,
  cancer other than a minor skin cancer, chronic lung disease, heart attack,
  congestive heart failure, angina, asthma, arthritis, stroke, kidney
  disease) (``illness_count``, 0-11);
- Loss of weight: more than 5% of body weight in the past year
  (``weight_loss_pct``).

Verification: only the abstract of Morley 2012 (item names, "loss of weight
(more than 5%)") and secondary descriptions (including one by the same
authors, Malmstrom 2014, PMC4519085) were read; the illness threshold "5 or
more" is printed as "> 5" by one secondary page. Every row is marked
unverified.
"""

from sarcostat.assess._phenotype import Phenotype, Threshold

CITATION = (
    "Morley JE, Malmstrom TK, Miller DK. A simple frailty questionnaire (FRAIL) predicts "
    "outcomes in middle aged African Americans. J Nutr Health Aging 2012;16(7):601-608. "
    "doi:10.1007/s12603-012-0084-2"
)
_SRC = "Morley 2012 (abstract and secondary descriptions; full text not read)"

THRESHOLDS = (
    Threshold("fatigue", "frail_fatigue", "any", ">=", 1.0, "", _SRC, False),
    Threshold("resistance", "frail_resistance", "any", ">=", 1.0, "", _SRC, False),
    Threshold("ambulation", "frail_ambulation", "any", ">=", 1.0, "", _SRC, False),
    Threshold("illnesses", "illness_count", "any", ">=", 5.0, "", _SRC, False),
    Threshold("loss_of_weight", "weight_loss_pct", "any", ">", 5.0, "%", _SRC, False),
)

DEFINITION = Phenotype(
    name="frail_scale",
    title="FRAIL scale",
    citation=CITATION,
    thresholds=THRESHOLDS,
    criteria=(
        ("fatigue", "Fatigue"),
        ("resistance", "Resistance"),
        ("ambulation", "Ambulation"),
        ("illnesses", "Illnesses (>= 5 of 11)"),
        ("loss_of_weight", "Loss of weight (> 5%)"),
    ),
    notes=(
        "FRAIL scale: fatigue, resistance and ambulation are read as items already scored "
        "0/1 (1 = tired all or most of the time; difficulty with 10 steps; difficulty with "
        "one block).",
    ),
)

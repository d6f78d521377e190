"""Display names of study variables, as warnings and the report use them."""

from sarcostat.report.format import DEFAULT_FORMAT
from sarcostat.study.labels import VARIABLES, in_text


def test_statuses_read_as_words_inside_a_sentence():
    assert in_text("low_muscle_mass") == "low muscle mass"
    assert in_text("low_strength") == "weak muscle strength"
    assert in_text("low_performance") == "poor physical performance"
    assert in_text("sarcopenia") == "sarcopenia"
    assert in_text("grip_kg") == "grip strength"


def test_abbreviations_keep_their_capitals():
    assert in_text("sppb_total") == "SPPB score"
    assert in_text("smi") == "SMI"
    assert in_text("sarc_f_total") == "SARC-F"


def test_a_users_own_column_keeps_its_name():
    assert in_text("my_outcome") == "my_outcome"


def test_report_labels_come_from_the_same_table():
    # One table: the report's default labels are the study layer's.
    assert DEFAULT_FORMAT.variables is VARIABLES
    assert DEFAULT_FORMAT.short("low_muscle_mass") == "Low muscle mass"

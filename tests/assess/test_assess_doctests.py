"""The Examples sections of the assess docstrings run and give what they show."""

import doctest

import pytest

import sarcostat.assess
import sarcostat.assess.sppb
import sarcostat.assess.sps


@pytest.mark.parametrize("module", [sarcostat.assess, sarcostat.assess.sppb, sarcostat.assess.sps])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0

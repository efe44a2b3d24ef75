import pytest

from rolloutplanner.spreadsheets import neutralise, restore


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+1", "-2+3", "@cmd", "\t=1", "\r=1"])
def test_text_that_would_run_as_a_formula_is_written_as_text_and_read_back(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["District 7", "'quoted already", 42, 3.5, None, ""])
def test_other_values_pass_unchanged(value):
    assert neutralise(value) == value
    assert restore(value) == value

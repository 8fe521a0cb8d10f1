"""Percentages round half up, as reports do (13/16 = 81,3 %, not Python's 81,2 %)."""

import pytest

from antq_desktop.enums import CertCategory
from antq_desktop.numbers import percent_text, round_half_up
from antq_desktop.reports.forms.mediation import percent
from antq_desktop.services.certification_rules import percent as share


@pytest.mark.parametrize("value, expected", [
    (100 * 13 / 16, 81.3), (0.25, 0.3), (0.35, 0.4), (2.675 * 10, 26.8), (-0.25, -0.3),
    (100 * 2 / 3, 66.7), (12, 12.0)])
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected
    assert round(100 * 13 / 16, 1) == 81.2  # what the forms used to print


def test_percent_texts_agree_across_forms():
    assert percent_text(100 * 13 / 16) == percent(100 * 13 / 16) == "81,3"
    assert share(13, 16) == "81,3%"
    assert percent(50.0) == "50" and percent(37.5) == "37,5"


def test_the_ward_level_has_its_names_since_july_2025():
    assert CertCategory.WARD.label == "Xã, phường, đặc khu"

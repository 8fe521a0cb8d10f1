from datetime import date

import pytest

TODAY = date(2026, 6, 1)


@pytest.fixture
def today(pin_today):
    pin_today(TODAY)
    return TODAY

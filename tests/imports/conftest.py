import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Mid-October 2016: Q2 2016/17 is open for entry, Q1 has closed."""
    with time_machine.travel(dt.datetime(2016, 10, 20, 10, tzinfo=ZoneInfo("Europe/London"))):
        yield

"""One helper parses every number that comes from a request (cop_platform/params.py)."""

import pytest
from django.http import QueryDict

from cop_platform.params import get_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("page=3", 3),
        ("page=+3", 3),
        ("page= 3 ", 3),
        ("", 1),
        ("page=", 1),
        ("page=abc", 1),
        ("page=1.5", 1),
        ("page=-2", 1),
        ("page=0", 1),
        ("page=²", 1),  # str.isdigit() says yes, int() says no
        ("page=٣", 1),  # an Arabic-Indic three: a digit to Python, not to us
        ("page=" + "9" * 5000, 1),  # past Python's int-string limit
        ("page=99999999999999999999", 1),  # larger than any database integer
        ("page=1e3", 1),
        ("page=%00", 1),
        ("page=0x10", 1),
    ],
)
def test_it_returns_the_default_for_anything_missing_malformed_or_out_of_range(raw, expected):
    assert get_int(QueryDict(raw), "page", 1, minimum=1) == expected


def test_it_takes_the_last_value_like_django_does():
    assert get_int(QueryDict("n=2&n=5"), "n", 0) == 5


def test_it_refuses_values_above_the_maximum():
    assert get_int(QueryDict("n=51"), "n", 10, maximum=50) == 10
    assert get_int(QueryDict("n=50"), "n", 10, maximum=50) == 50


def test_it_bounds_values_to_what_a_database_integer_holds_even_without_a_maximum():
    assert get_int(QueryDict(f"n={2**63}"), "n", 7) == 7
    assert get_int(QueryDict(f"n=-{2**63 + 1}"), "n", 7) == 7


def test_it_reads_plain_dicts_too():
    assert get_int({"n": "4"}, "n", 0) == 4
    assert get_int({"n": 4}, "n", 0) == 4
    assert get_int({"n": None}, "n", 0) == 0

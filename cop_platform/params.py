"""Numbers from requests, parsed one way everywhere.

A view that checks a value with one rule (`str.isdigit()`) and converts it with another
(`int()`) turns odd input into a 500: "²".isdigit() is true and int("²") raises, and a
40-digit number passes both but overflows the database. `get_int` is the one rule: ASCII
digits with an optional sign, within bounds, else the default. It never raises.
"""

import re

# The range of a PostgreSQL `integer`: every number a request may carry (page numbers, ids,
# counts) fits, and nothing outside it can reach a query as an overflowing parameter.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

_INTEGER = re.compile(r"[+-]?[0-9]{1,10}")


def parse_int(value, default=None, *, minimum=None, maximum=None):
    """`value` (a string, an int or None) as an int within bounds, else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _INTEGER.fullmatch(text):
            return default
        number = int(text)
    else:
        return default
    low = INT_MIN if minimum is None else max(minimum, INT_MIN)
    high = INT_MAX if maximum is None else min(maximum, INT_MAX)
    if not low <= number <= high:
        return default
    return number


def get_int(querydict, name, default, *, minimum=None, maximum=None):
    """The integer `querydict[name]` (request.GET, request.POST or a dict), or `default` when it is
    missing, malformed or outside [minimum, maximum]. With a QueryDict the last value counts, as
    `QueryDict.get` does."""
    return parse_int(querydict.get(name), default, minimum=minimum, maximum=maximum)


def get_ints(querydict, name, *, minimum=None, maximum=None, limit=100):
    """Every well-formed integer among the values of `name` (e.g. checkboxes), at most `limit`."""
    values = querydict.getlist(name) if hasattr(querydict, "getlist") else [querydict.get(name)]
    numbers = []
    for value in values[:limit]:
        number = parse_int(value, None, minimum=minimum, maximum=maximum)
        if number is not None:
            numbers.append(number)
    return numbers

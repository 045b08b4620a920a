"""XSD literals: whether a lexical form is valid for its datatype, and the order SPARQL's `<` gives two literals.

https://www.w3.org/TR/xmlschema11-2/ for the lexical spaces; https://www.w3.org/TR/sparql11-query/#OperatorMapping
for which pairs can be compared at all (numbers with numbers, strings with strings, dates with dates).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .vocab import LANG_STRING, XSD_NS, XSD_STRING

_TZ = r"(Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?|24:00:00(?:\.0+)?"
_DOUBLE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN"
_PATTERNS = {
    "string": r"(?s:.*)",
    "normalizedString": r"[^\r\n\t]*",
    "token": r"(?:[^\s](?:[^\r\n\t ]| (?! ))*[^\s]|[^\s])?",
    "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)",
    "integer": r"[+-]?\d+",
    "double": _DOUBLE,
    "float": _DOUBLE,
    "date": _YEAR + r"-(\d\d)-(\d\d)" + _TZ,
    "dateTime": _YEAR + r"-(\d\d)-(\d\d)T(?:" + _TIME + ")" + _TZ,
    "dateTimeStamp": _YEAR + r"-(\d\d)-(\d\d)T(?:" + _TIME + r")(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))",
    "time": r"(?:" + _TIME + ")" + _TZ,
    "gYear": _YEAR + _TZ,
    "gYearMonth": _YEAR + r"-(?:0[1-9]|1[0-2])" + _TZ,
    "gMonth": r"--(?:0[1-9]|1[0-2])" + _TZ,
    "gDay": r"---(?:0[1-9]|[12]\d|3[01])" + _TZ,
    "gMonthDay": r"--(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])" + _TZ,
    "duration": r"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?",
    "dayTimeDuration": r"-?P(?=\d|T\d)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?",
    "yearMonthDuration": r"-?P(?=\d)(?:\d+Y)?(?:\d+M)?",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "base64Binary": r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?",
    "anyURI": r"[^\s<>\"{}|\\^`]*",
}
_INTEGERS = {  # integer types: (least, greatest), None for unbounded
    "integer": (None, None), "long": (-(2**63), 2**63 - 1), "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1), "byte": (-128, 127), "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}
_COMPILED = {name: re.compile(p) for name, p in _PATTERNS.items()}
_NUMERIC = set(_INTEGERS) | {"decimal", "double", "float"}
_TEMPORAL = {"dateTime", "dateTimeStamp", "date", "time", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay"}


def _local(datatype: ox.NamedNode) -> str | None:
    return datatype.value[len(XSD_NS):] if datatype.value.startswith(XSD_NS) else None


def well_formed(lit: ox.Literal) -> bool:
    """Whether the lexical form is in the lexical space of its datatype (True for datatypes this module does not know)."""
    name = _local(lit.datatype)
    if lit.datatype == LANG_STRING:
        return bool(lit.language)
    if name in _INTEGERS:
        if not _COMPILED["integer"].fullmatch(lit.value):
            return False
        low, high = _INTEGERS[name]
        n = int(lit.value)
        return (low is None or n >= low) and (high is None or n <= high)
    pattern = _COMPILED.get(name or "")
    if pattern is None:
        return True
    m = pattern.fullmatch(lit.value)
    if m is None:
        return False
    if name in ("date", "dateTime", "dateTimeStamp"):  # a day that exists in that month
        year, month, day = re.match(r"(-?\d+)-(\d\d)-(\d\d)", lit.value).groups()
        return 1 <= int(month) <= 12 and 1 <= int(day) <= _days(int(year), int(month))
    return True


def _days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _key(lit: ox.Literal):
    """(family, has a timezone, a comparable value) of a literal SPARQL can order, or None."""
    if lit.language:
        return None
    if lit.datatype == XSD_STRING:
        return ("string", False, lit.value)
    name = _local(lit.datatype)
    if name is None or not well_formed(lit):
        return None
    if name in _NUMERIC:
        try:
            value = Decimal(lit.value.replace("INF", "Infinity"))
        except InvalidOperation:
            return None
        return None if value.is_nan() else ("number", False, value)
    if name == "boolean":
        return ("boolean", False, lit.value in ("true", "1"))
    if name in _TEMPORAL:
        return _temporal(name, lit.value)
    return None


def _temporal(name: str, text: str):
    """(datatype, has a timezone, the moment as a datetime): only like is compared with like."""
    tz = re.search(r"(Z|[+-]\d\d:\d\d)$", text)
    body = text[: tz.start()] if tz else text
    offset = None
    if tz:
        sign = -1 if tz.group(1).startswith("-") else 1
        offset = timedelta(0) if tz.group(1) == "Z" else sign * timedelta(hours=int(tz.group(1)[1:3]), minutes=int(tz.group(1)[4:6]))
    if name == "time":
        body = "2000-01-01T" + body
    elif name == "date":
        body += "T00:00:00"
    elif name == "gYear":
        body += "-01-01T00:00:00"
    elif name == "gYearMonth":
        body += "-01T00:00:00"
    elif name in ("gMonth", "gDay", "gMonthDay"):
        return (name, offset is not None, body)
    if body.startswith("-") or not body[:4].isdigit() or body[4] != "-":
        return None  # years before 1 or after 9999: not worth a calendar of our own
    extra = timedelta(days=1) if "T24:00:00" in body else timedelta(0)
    body = body.replace("T24:00:00", "T00:00:00")
    try:
        moment = datetime.fromisoformat(body[:26] if "." in body else body) + extra
    except ValueError:
        return None
    if offset is not None:
        moment = (moment - offset).replace(tzinfo=timezone.utc)
    return ("dateTime" if name == "dateTimeStamp" else name, offset is not None, moment)


def compare(a, b) -> int | None:
    """-1, 0 or 1 as SPARQL orders literals a and b; None when they cannot be compared (https://www.w3.org/TR/sparql11-query/#OperatorMapping)."""
    if not isinstance(a, ox.Literal) or not isinstance(b, ox.Literal):
        return None
    ka, kb = _key(a), _key(b)
    # One with a timezone and one without: indeterminate (XSD 1.1 §3.3.7.3), so not comparable.
    if ka is None or kb is None or ka[:2] != kb[:2]:
        return None
    return (ka[2] > kb[2]) - (ka[2] < kb[2])

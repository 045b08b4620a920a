"""String-based constraint components (https://www.w3.org/TR/shacl/#core-components-string)."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..vocab import SH
from . import Component, ValueComponent

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _text(value) -> str | None:
    """STR() of a value node; None for a blank node, which has none."""
    return None if isinstance(value, ox.BlankNode) else value.value


class MinLength(ValueComponent):
    """Each value node's string is at least sh:minLength long; blank nodes fail (https://www.w3.org/TR/shacl/#MinLengthConstraintComponent)."""

    name = "MinLength"
    parameters = (SH.minLength,)

    def setup(self) -> None:
        self.length = self.integer("minLength")

    def ok(self, run, value) -> bool:
        text = _text(value)
        return text is not None and len(text) >= self.length

    def message(self, run, result):
        return f"String length not >= {run.data_name(self.args['minLength'])}"


class MaxLength(ValueComponent):
    """Each value node's string is at most sh:maxLength long; blank nodes fail (https://www.w3.org/TR/shacl/#MaxLengthConstraintComponent)."""

    name = "MaxLength"
    parameters = (SH.maxLength,)

    def setup(self) -> None:
        self.length = self.integer("maxLength")

    def ok(self, run, value) -> bool:
        text = _text(value)
        return text is not None and len(text) <= self.length

    def message(self, run, result):
        return f"String length not <= {run.data_name(self.args['maxLength'])}"


class Pattern(ValueComponent):
    """Each value node's string matches the regular expression sh:pattern, with sh:flags (https://www.w3.org/TR/shacl/#PatternConstraintComponent)."""

    name = "Pattern"
    parameters = (SH.pattern,)
    optional = (SH.flags,)

    def setup(self) -> None:
        pattern, flags = self.args["pattern"], self.args.get("flags")
        text = pattern.value if isinstance(pattern, ox.Literal) else None
        if text is None or (flags is not None and not isinstance(flags, ox.Literal)):
            raise self.fail("sh:pattern and sh:flags must be strings")
        options = 0
        for flag in flags.value if flags is not None else "":
            if flag == "q":  # XPath's "quote": the pattern is a plain string
                text = re.escape(text)
            elif flag in _FLAGS:
                options |= _FLAGS[flag]
            else:
                raise self.fail(f"unknown sh:flags character {flag!r} (XPath allows i, m, s, x, q)")
        try:
            self.regex = re.compile(text, options)
        except re.error as e:
            raise self.fail(f"sh:pattern {pattern.value!r} is not a regular expression this engine reads ({e})") from None

    def ok(self, run, value) -> bool:
        text = _text(value)
        return text is not None and self.regex.search(text) is not None

    def message(self, run, result):
        patterns = [p.value for p in self.all_values("pattern")]
        if len(patterns) < 2:
            return f"Value does not match pattern '{patterns[0]}'"
        return "Value does not match every pattern in ('{}')".format("', '".join(patterns))


class LanguageIn(ValueComponent):
    """Each value node is a literal whose language tag matches one of sh:languageIn (https://www.w3.org/TR/shacl/#LanguageInConstraintComponent)."""

    name = "LanguageIn"
    parameters = (SH.languageIn,)

    def setup(self) -> None:
        ranges = self.shapes.items(self.args["languageIn"], "sh:languageIn")
        if not all(isinstance(r, ox.Literal) for r in ranges):
            raise self.fail("the members of sh:languageIn must be strings")
        self.ranges = [r.value.lower() for r in ranges]

    def ok(self, run, value) -> bool:
        if not isinstance(value, ox.Literal) or not value.language:
            return False
        tag = value.language.lower()
        # langMatches, basic filtering (RFC 4647 §3.3.1): the range, or the range followed by "-"
        return any(r == "*" or tag == r or tag.startswith(r + "-") for r in self.ranges)

    def message(self, run, result):
        return f"String language is not in {run.shape_name(self.args['languageIn'])}"


class UniqueLang(Component):
    """No two value nodes share a language tag: one result per shared tag (https://www.w3.org/TR/shacl/#UniqueLangConstraintComponent)."""

    name = "UniqueLang"
    parameters = (SH.uniqueLang,)
    property_only = True

    def setup(self) -> None:
        self.on = self.boolean("uniqueLang")

    def evaluate(self, run, focus):
        if not self.on:
            return
        for f, values in focus.items():
            seen: dict[str, int] = {}
            for v in values:
                if isinstance(v, ox.Literal) and v.language:
                    tag = v.language.lower()
                    seen[tag] = seen.get(tag, 0) + 1
            for tag, n in seen.items():
                if n > 1:
                    yield self.result(f)

    def message(self, run, result):
        return "More than one String shares the same Language"

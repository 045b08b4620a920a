"""The whole home's validation results on a server, kept by identity so that stats' conformance line stays the local home's.

A local home's `stats` validates the whole home. A remote home keeps the results of that
validation (made by push) as their identities, and each write changes only what it judged:
an add replaces the results of the focus nodes its validation judged (a result repeated by
two submissions is counted once, as in a whole-home check), a remove replaces them all with
those of the remaining home judged whole.
"""

from __future__ import annotations

import json

FIELDS = ("severity", "focus", "path", "value", "constraint", "shape", "message")


def identity(result) -> str:
    """A validation result as the JSON that names it (its focus node by full IRI where it has one)."""
    fields = {name: getattr(result, name) for name in FIELDS}
    fields["focus"] = result.focus_iri or result.focus
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def of_report(report) -> list[str]:
    """The identities of a report's SHACL results (the OWL RL findings of add and validate are not a whole-home check's)."""
    from ..consistency import INCONSISTENCY, MERGE

    return sorted({identity(r) for r in report.results if r.constraint not in (INCONSISTENCY, MERGE)})


def figures(identities: list[str]) -> tuple[bool, dict[str, int]]:
    """(conforms: no violation, custom severities counting as violations; results per severity) as stats gives them."""
    from ..validation import rank

    counts = {"Violation": 0, "Warning": 0, "Info": 0}
    for text in identities:
        severity = json.loads(text)["severity"]
        counts[severity] = counts.get(severity, 0) + 1
    conforms = not any(rank(json.loads(text)["severity"]) == 0 for text in identities)
    return conforms, counts


def after_add(old: list[str], report) -> tuple[list[str], list[str]]:
    """(the results no longer there, the new ones) once a submission whose validation is `report` is added."""
    import pyoxigraph as ox

    from .. import terms

    judged = {n.value if isinstance(n, ox.NamedNode) else terms.n3(n, report.prefixes) for n in report.judged}
    kept = [text for text in old if json.loads(text)["focus"] not in judged]
    now = sorted(set(kept) | set(of_report(report)))
    return sorted(set(old) - set(now)), sorted(set(now) - set(old))

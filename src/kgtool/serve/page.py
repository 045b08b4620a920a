"""The HTML of `kgtool serve`: the workbench page at / and the entity page (facts with their quotes, claims, timeline), every value escaped."""

from __future__ import annotations

import json
from html import escape
from typing import Any, Callable
from urllib.parse import quote

import pyoxigraph as ox

from ..terms import render_term, shorten
from ..vocab import CF, OWL, PROV, RDF, RDFS

Select = Callable[..., list[dict[str, Any]]]  # App.select: (query text, bindings, inferred=True) -> rows of {variable: term}

# A page lists at most this many rows of each query (an entity of a large home may be named by
# thousands of events): enough to read, bounded in time and size. A full list is one query away.
ROWS = 1000

PREFIXES = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in (("cf", CF), ("owl", OWL), ("prov", PROV), ("rdf", RDF), ("rdfs", RDFS)))

# Each query of the entity page binds ?e to the entity (sparql.run's bindings) and runs over
# the home's graph with its entailments, unless it says it reads the asserted triples only.
LABEL = PREFIXES + "SELECT ?label WHERE { ?e rdfs:label ?label } ORDER BY ?label"
TYPES = PREFIXES + """
SELECT DISTINCT ?type WHERE { ?e a ?type . ?type a ?classKind
  FILTER (?classKind IN (owl:Class, rdfs:Class))
  FILTER NOT EXISTS { ?e a ?narrower . ?narrower rdfs:subClassOf ?type FILTER (?narrower != ?type) } }
ORDER BY ?type"""
# what the sources say of the entity itself: its own evidence, and the source it comes from
QUOTES = PREFIXES + """
SELECT ?quote ?source ?sourceLabel WHERE {
  ?e cf:evidence ?quote .
  OPTIONAL { ?e prov:wasDerivedFrom|cf:mentionedIn ?source . OPTIONAL { ?source rdfs:label ?sourceLabel } }
} ORDER BY ?quote"""
# Facts between the entity and another node, either way round, asserted (not entailed). A
# claim pointing at the entity is not a fact: claims have their own list.
SKIPPED = "rdf:type, rdfs:label, cf:evidence, cf:editorialNote, rdfs:comment, cf:paraphrase, rdf:subject, rdf:object, rdf:predicate"
FACTS = PREFIXES + f"""
SELECT ?direction ?p ?other ?otherLabel WHERE {{
  {{ ?e ?p ?other BIND ("out" AS ?direction) }}
  UNION {{ ?other ?p ?e BIND ("in" AS ?direction) FILTER NOT EXISTS {{ ?other a/rdfs:subClassOf* cf:Claim }} }}
  FILTER (?p NOT IN ({SKIPPED}))
  OPTIONAL {{ ?other rdfs:label ?otherLabel }}
}} LIMIT {ROWS}"""
# The records that attest a fact: a qualified relation (an attested statement, a membership, a
# post holding ...) naming the entity and the other node, with its quotes; an attested
# statement (rdf:predicate) attests one property only.
RECORDS = PREFIXES + """
SELECT ?record ?other ?said ?quote ?source ?sourceLabel WHERE {
  ?record ?r1 ?e .
  ?record a/rdfs:subClassOf* cf:QualifiedRelation ;
          cf:evidence ?quote .
  OPTIONAL { ?record ?r2 ?other FILTER (?r2 NOT IN (prov:wasDerivedFrom, rdf:type, cf:evidence, rdf:predicate) && isIRI(?other) && ?other != ?e) }
  OPTIONAL { ?record rdf:predicate ?said }
  OPTIONAL { ?record prov:wasDerivedFrom ?source OPTIONAL { ?source rdfs:label ?sourceLabel } }
  FILTER (?r1 != prov:wasDerivedFrom)
} LIMIT %d""" % ROWS
CLAIMS = PREFIXES + """
SELECT ?claim ?claimLabel ?role ?claimant ?claimantLabel ?quote WHERE {
  { ?claim ?p ?e FILTER (?p != cf:claimant) BIND ("about" AS ?role) } UNION { ?claim cf:claimant ?e BIND ("by" AS ?role) }
  ?claim a cf:Claim .
  OPTIONAL { ?claim rdfs:label ?claimLabel }
  OPTIONAL { ?claim cf:claimant ?claimant OPTIONAL { ?claimant rdfs:label ?claimantLabel } }
  OPTIONAL { ?claim cf:evidence ?quote }
} ORDER BY ?claimantLabel ?claimLabel ?quote LIMIT %d""" % ROWS
# the dated events it is, or takes part in, or is linked with (either way round)
TIMELINE = PREFIXES + """
SELECT DISTINCT ?event ?label ?when ?kind WHERE {
  { BIND (?e AS ?event) } UNION { ?event ?p ?e } UNION { ?e ?q ?event }
  ?event a cf:Event .
  OPTIONAL { ?event rdfs:label ?label }
  OPTIONAL { ?event cf:date ?date }
  OPTIONAL { ?event cf:hasInterval/cf:start ?start }
  OPTIONAL { ?event cf:notAfter ?notAfter }
  OPTIONAL { ?event cf:notBefore ?notBefore }
  FILTER (BOUND(?date) || BOUND(?start) || BOUND(?notAfter) || BOUND(?notBefore))
  BIND (COALESCE(STR(?date), STR(?start), STR(?notAfter), STR(?notBefore)) AS ?when)
  BIND (IF(BOUND(?date), "", IF(BOUND(?start), "from", IF(BOUND(?notAfter), "by", "after"))) AS ?kind)
  # as queries/timeline.rq: at the same date, what had happened by then first, then exact dates
  # and intervals, then what happened after it
  BIND (IF(BOUND(?date) || BOUND(?start), 1, IF(BOUND(?notAfter), 0, 2)) AS ?rank)
} ORDER BY ?when ?rank STR(?label) LIMIT %d""" % ROWS

STYLE_LINK = '<link rel="stylesheet" href="/static/kgtool.css">'


def _href(iri: str) -> str:
    return "/entity?iri=" + quote(iri, safe="")


def _term(term: Any, prefixes: dict[str, str], label: Any = None) -> str:
    """A term as HTML: an IRI links to its entity page (with its label when known), a literal is its text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        shown = label.value if label is not None else shorten(term.value, prefixes)
        return f'<a class="iri" href="{escape(_href(term.value))}" title="{escape(term.value)}">{escape(shown)}</a>'
    if isinstance(term, ox.Literal):
        return f'<span class="literal" title="{escape(render_term(term, prefixes))}">{escape(term.value)}</span>'
    return f'<span class="bnode">{escape(render_term(term, prefixes))}</span>'


def _quote(text: str, source: Any = None, source_label: Any = None, prefixes: dict[str, str] | None = None) -> str:
    cite = f' <cite>— {_term(source, prefixes or {}, source_label)}</cite>' if source is not None else ""
    return f'<blockquote class="quote">“{escape(text)}”{cite}</blockquote>'


def _document(title: str, body: str, head: str = "") -> str:
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{escape(title)}</title>{head}{STYLE_LINK}</head>"
        f"<body>{body}</body></html>\n"
    )


def entity(node: ox.NamedNode, select: Select, prefixes: dict[str, str]) -> str:
    """The entity page of `node`: its label and classes, the quotes about it, its facts with their quotes, the claims about it and by it, its dated events."""
    bound = {"e": node}
    labels = select(LABEL, bound)
    label = labels[0]["label"].value if labels else shorten(node.value, prefixes)
    types = [row["type"] for row in select(TYPES, bound)]
    parts = [
        '<header><a href="/">kgtool</a> › entity</header><main class="entity">',
        f'<h1>{escape(label)}</h1><p class="iri-line"><code>{escape(node.value)}</code></p>',
    ]
    if types:
        parts.append('<p class="types">' + ", ".join(_term(t, prefixes) for t in types) + "</p>")

    quotes = select(QUOTES, bound)
    if quotes:
        parts.append("<section id=\"quotes\"><h2>What the sources say</h2>")
        parts += [_quote(r["quote"].value, r.get("source"), r.get("sourceLabel"), prefixes) for r in quotes]
        parts.append("</section>")

    # quotes per (record's other node, the property it attests or None), and per record
    by_other: dict[tuple[str, str | None], dict[str, tuple]] = {}
    by_record: dict[str, dict[str, tuple]] = {}
    for r in select(RECORDS, bound, inferred=False):
        cited = (r.get("source"), r.get("sourceLabel"))
        by_record.setdefault(str(r["record"]), {}).setdefault(r["quote"].value, cited)
        if "other" in r:
            said = r["said"].value if "said" in r else None
            by_other.setdefault((str(r["other"]), said), {}).setdefault(r["quote"].value, cited)
    facts: dict[tuple, dict[str, Any]] = {}
    fact_rows = select(FACTS, bound, inferred=False)
    for r in fact_rows:
        direction, p, other = r["direction"].value, r["p"].value, str(r["other"])
        fact = facts.setdefault((direction, p, other), {"row": r, "quotes": {}})
        fact["quotes"].update(by_other.get((other, None), {}))
        fact["quotes"].update(by_other.get((other, p), {}))
        if direction == "in":  # the other node is itself a record about the entity: its own quotes
            fact["quotes"].update(by_record.get(other, {}))
    parts.append('<section id="facts"><h2>Facts</h2>')
    if not facts:
        parts.append("<p>No facts about it in the home.</p>")
    else:
        parts.append('<table><thead><tr><th>subject</th><th>property</th><th>object</th><th>source quote</th></tr></thead><tbody>')
        me = f"<b>{escape(label)}</b>"
        for (direction, _, _), fact in sorted(facts.items(), key=lambda kv: (kv[0][0] == "in", kv[0][1], kv[0][2])):
            r = fact["row"]
            other = _term(r["other"], prefixes, r.get("otherLabel"))
            subject, obj = (me, other) if direction == "out" else (other, me)
            cited = "".join(_quote(q, s, sl, prefixes) for q, (s, sl) in sorted(fact["quotes"].items()))
            parts.append(f"<tr><td>{subject}</td><td>{_term(r['p'], prefixes)}</td><td>{obj}</td><td>{cited}</td></tr>")
        parts.append("</tbody></table>")
        if len(fact_rows) >= ROWS:
            parts.append(f'<p class="note">The first {ROWS} facts only; query the rest at /query.</p>')
    parts.append("</section>")

    claims = select(CLAIMS, bound)
    for role, title in (("about", "Claims about it"), ("by", "Claims it made")):
        rows: dict[str, dict[str, Any]] = {}
        for r in claims:
            if r["role"].value == role:
                claim = rows.setdefault(str(r["claim"]), {"row": r, "quotes": []})
                if "quote" in r and r["quote"].value not in claim["quotes"]:
                    claim["quotes"].append(r["quote"].value)
        if not rows:
            continue
        parts.append(f'<section id="claims-{role}"><h2>{title}</h2><table><thead><tr><th>claim</th><th>by</th><th>source quote</th></tr></thead><tbody>')
        for claim in rows.values():
            r = claim["row"]
            who = _term(r.get("claimant"), prefixes, r.get("claimantLabel")) or "<i>unknown</i>"
            cited = "".join(_quote(q) for q in claim["quotes"])
            parts.append(f"<tr><td>{_term(r['claim'], prefixes, r.get('claimLabel'))}</td><td>{who}</td><td>{cited}</td></tr>")
        parts.append("</tbody></table></section>")

    events = select(TIMELINE, bound)
    if events:
        parts.append('<section id="timeline"><h2>Timeline</h2><ol class="timeline">')
        for r in events:
            kind = r["kind"].value
            when = f"{kind} {r['when'].value}".strip()
            parts.append(f'<li><time>{escape(when)}</time> {_term(r["event"], prefixes, r.get("label"))}</li>')
        parts.append("</ol></section>")
    if node.value.startswith(("http://", "https://")):
        parts.append(f'<p class="outside">The IRI itself: <a rel="noopener noreferrer" href="{escape(node.value)}">{escape(node.value)}</a> (leaves this server)</p>')
    parts.append("</main>")
    return _document(f"{label} — kgtool", "".join(parts))


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that could end it."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def initial_query(prefixes: dict[str, str]) -> str:
    """The editor's first query: the prefixes it uses, and a question the bundled home answers."""
    wanted = [p for p in ("cf", "cfr", "rdfs") if p in prefixes]
    head = "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in wanted)
    if len(wanted) == 3:
        return head + "\nSELECT ?state ?label WHERE {\n  ?state a cf:SovereignState ;\n         rdfs:label ?label .\n}\nORDER BY ?label\n"
    return head + "\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o .\n}\nLIMIT 20\n"


def index(home: str, bundled: bool, prefixes: dict[str, str], queries: list[dict[str, str]], allow_add: bool) -> str:
    """The workbench: YASGUI (editor and results table) over /query, the named queries one click away, an entity box."""
    items = "".join(
        f'<li><button type="button" class="named-query" data-name="{escape(q["name"])}" title="{escape(q["question"])}">{escape(q["name"])}</button>'
        f'<span class="question">{escape(q["question"])}</span></li>'
        for q in queries
    )
    config = {
        "prefixes": {k: v for k, v in sorted(prefixes.items()) if k},
        "queries": {q["name"]: q["query"] for q in queries},
        "initialQuery": initial_query(prefixes),
    }
    mode = "read-write (POST /add with the token)" if allow_add else "read-only"
    body = (
        f'<header><a href="/">kgtool</a> <span class="home">{"(bundled) " if bundled else ""}{escape(home)}</span> <span class="mode">{escape(mode)}</span></header>'
        '<div class="layout"><nav id="side">'
        '<form id="entity-form" action="/entity" method="get"><h2>Entity</h2>'
        '<input name="iri" placeholder="cfr:azerbaijan or an IRI" aria-label="IRI or prefixed name"> <button type="submit">Open</button></form>'
        f'<h2>Named queries</h2><ul id="named-queries">{items or "<li>none (queries/*.rq)</li>"}</ul>'
        '</nav><main id="yasgui"></main></div>'
        f'<script type="application/json" id="kgtool-config">{_script_json(config)}</script>'
        '<script src="/static/yasgui/yasgui.min.js"></script><script src="/static/workbench.js"></script>'
    )
    return _document("kgtool — SPARQL workbench", body, '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">')

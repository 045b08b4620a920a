"""Synthetic conflict data that conforms to kgtool's ontology and shapes, at a chosen size, from a seed.

    python bench/generate.py --triples 100000 --seed 1 --out /tmp/kg-100k

writes a kgtool home (ontology/, shapes/, queries/ copied from this repository; data/synthetic.ttl
generated). The data repeats the modelling patterns of data/karabakh.ttl: each synthetic
conflict has two sovereign states (with capitals, heads of government, posts, post holdings and
their intervals), an alliance with a qualified membership, a region and towns located in it,
territorial claims, dated armed clashes (episodes of the conflict) with participants and a location,
casualty claims with quantities and evidence, and a source article. World entities (states, people,
places, events) are cf:mentionedIn the article; records (claims, qualified relations, quantities,
intervals) are prov:wasDerivedFrom it. Every role triple between world entities that is not the
shortcut of a qualified relation (led by, belligerent, episode of, took place in, capital of, post in,
located in) has its cf:AttestedStatement. Wikidata links use schema:sameAs. Same seed and size, same
bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAD = """@prefix cf:      <https://w3id.org/kgtool/conflict#> .
@prefix cfr:     <https://w3id.org/kgtool/id/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <https://schema.org/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix wd:      <http://www.wikidata.org/entity/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

"""
SYLLABLES = ["ar", "ba", "vel", "dor", "ka", "mir", "tan", "sol", "ven", "ra", "lo", "zen", "gar", "thu", "ne", "is", "ov", "ul"]


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def attest(node: str, subject: str, predicate: str, obj: str, label: str, evidence: str, src: str) -> str:
    """A cf:AttestedStatement: the source and evidence of one triple between world entities (issue 11, Q11)."""
    return f"""{node} a cf:AttestedStatement ;
    rdfs:label "{label}"@en ;
    rdf:subject {subject} ;
    rdf:predicate {predicate} ;
    rdf:object {obj} ;
    prov:wasDerivedFrom {src} ;
    cf:evidence "{evidence}" .
"""


def cluster(i: int, rng: random.Random, events: int) -> str:
    """One synthetic conflict, written in the patterns of data/karabakh.ttl."""
    src = f"cfr:g{i}-article"
    pub = f"cfr:g{i}-institute"
    a, b = f"cfr:g{i}-state-a", f"cfr:g{i}-state-b"
    na, nb = name(rng), name(rng)
    region, rname = f"cfr:g{i}-region", name(rng)
    alliance = f"cfr:g{i}-alliance"
    conflict = f"cfr:g{i}-conflict"
    prov = f'    prov:wasDerivedFrom {src} ;\n'  # records: claims, relations, quantities, intervals
    men = f'    cf:mentionedIn {src} ;\n'  # world entities: agents, places, events, posts
    year = 1990 + rng.randint(0, 33)
    out = [
        f"""{src} a schema:NewsArticle , cf:SourceDocument ;
    rdfs:label "Article {i} on the {rname} conflict"@en ;
    schema:headline "Fighting over {rname}"@en ;
    schema:publisher {pub} ;
    cf:notBefore "{year}-12-31"^^xsd:date ;
    cf:evidence "Fighting over {rname}" .

{pub} a cf:ResearchInstitute ;
    rdfs:label "Institute {i}"@en ;
{men}    cf:evidence "Institute {i}" .

{alliance} a cf:MilitaryAlliance ;
    rdfs:label "Alliance {i}"@en ;
    schema:sameAs wd:Q{900000 + i} ;
    cf:ledBy {a} ;
{men}    cf:evidence "the alliance led by {na}" .

cfr:g{i}-membership a cf:Membership ;
    rdfs:label "{nb} in Alliance {i}"@en ;
    cf:member {b} ;
    cf:organisation {alliance} ;
{prov}    cf:evidence "{nb} is a part of the alliance" .

{region} a cf:Region ;
    rdfs:label "{rname} region"@en ;
{men}    cf:evidence "the {rname} region" .

{conflict} a cf:ProtractedConflict ;
    rdfs:label "{rname} conflict"@en ;
    cf:belligerent {a} , {b} ;
{men}    cf:evidence "the conflict over {rname}" .
""",
        attest(f"{alliance}-led-by", alliance, "cf:ledBy", a, f"Alliance {i} is led by {na}", f"the alliance led by {na}", src),
        attest(f"{conflict}-side-a", conflict, "cf:belligerent", a, f"{na} is a side of the {rname} conflict", f"the conflict over {rname}", src),
        attest(f"{conflict}-side-b", conflict, "cf:belligerent", b, f"{nb} is a side of the {rname} conflict", f"the conflict over {rname}", src),
    ]
    for side, sname, q in ((a, na, 2 * i), (b, nb, 2 * i + 1)):
        person, post, holding = f"{side}-leader", f"{side}-pm", f"{side}-holding"
        pname = f"{name(rng)} {name(rng)}"
        capital = f"{side}-capital"
        member = f"    cf:memberOf {alliance} ;\n" if side == b else ""
        out.append(
            f"""{side} a cf:SovereignState ;
    rdfs:label "{sname}"@en ;
    schema:sameAs wd:Q{1000000 + q} ;
{member}    cf:claimsTerritory {region} ;
{men}    cf:evidence "{sname}" .

{capital} a cf:CapitalCity ;
    rdfs:label "{name(rng)} (capital of {sname})"@en ;
    cf:capitalOf {side} ;
{men}    cf:evidence "the capital of {sname}" .

{person} a cf:Person ;
    rdfs:label "{pname}"@en ;
    schema:sameAs wd:Q{3000000 + q} ;
    cf:holds {post} ;
{men}    cf:evidence "Prime Minister {pname}" .

{post} a cf:HeadOfGovernmentPost ;
    rdfs:label "Prime Minister of {sname}"@en ;
    cf:postIn {side} ;
{men}    cf:evidence "{sname}’s Prime Minister" .

{holding} a cf:PostHolding ;
    rdfs:label "{pname} as Prime Minister of {sname}"@en ;
    cf:holder {person} ;
    cf:heldPost {post} ;
    cf:hasInterval {holding}-interval ;
{prov}    cf:evidence "Prime Minister {pname}" .

{holding}-interval a cf:Interval ;
    rdfs:label "tenure of {pname}"@en ;
    cf:endNotBefore "{year}-06-01"^^xsd:date ;
{prov}    cf:evidence "Prime Minister {pname}" .

{attest(f"{capital}-of", capital, "cf:capitalOf", side, f"the capital of {sname}", f"the capital of {sname}", src)}
{attest(f"{post}-in", post, "cf:postIn", side, f"the Prime Minister is {sname}’s", f"{sname}’s Prime Minister", src)}
{side}-claim a cf:TerritorialClaim ;
    rdfs:label "{sname} claims the {rname} region"@en ;
    cf:claimant {side} ;
    cf:claimedTerritory {region} ;
    cf:grounds "History."@en ;
{prov}    cf:evidence "{sname} claims the region" .
"""
        )
    towns = [f"cfr:g{i}-town-{k}" for k in range(max(1, events // 4))]
    for t in towns:
        out.append(
            f"""{t} a cf:Town ;
    rdfs:label "{name(rng)}"@en ;
    cf:locatedIn {region} ;
{men}    cf:evidence "a town in {rname}" .

{attest(f"{t}-in-region", t, "cf:locatedIn", region, f"a town in {rname}", f"a town in {rname}", src)}"""
        )
    for k in range(events):
        ev = f"cfr:g{i}-clash-{k}"
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        killed, injured = rng.randint(1, 500), rng.randint(1, 900)
        claimant = rng.choice((a, b))
        town = rng.choice(towns)
        fighting = f"fighting on {day}"
        out += [
            attest(f"{ev}-side-a", ev, "cf:belligerent", a, f"{na} fought in clash {k}", fighting, src),
            attest(f"{ev}-side-b", ev, "cf:belligerent", b, f"{nb} fought in clash {k}", fighting, src),
            attest(f"{ev}-episode", ev, "cf:episodeOf", conflict, f"clash {k} is an episode of the {rname} conflict", fighting, src),
            attest(f"{ev}-place", ev, "cf:tookPlaceIn", town, f"clash {k} took place in a town in {rname}", fighting, src),
        ]
        out.append(
            f"""{ev} a cf:ArmedClash ;
    rdfs:label "clash {k} in the {rname} conflict"@en ;
    cf:date "{day}"^^xsd:date ;
    cf:belligerent {a} , {b} ;
    cf:episodeOf {conflict} ;
    cf:tookPlaceIn {town} ;
    cf:status cf:Occurred ;
{men}    cf:evidence "fighting on {day}" .

{ev}-casualties a cf:CasualtyClaim ;
    rdfs:label "casualty figures for clash {k}"@en ;
    cf:claimant {claimant} ;
    cf:casualtyEvent {ev} ;
    cf:deathToll {ev}-killed ;
    cf:injuredCount {ev}-injured ;
{prov}    cf:evidence "more than {killed} people have been killed while more than {injured} have been injured" .

{ev}-killed a cf:Quantity ;
    rdfs:label "more than {killed} people killed"@en ;
    cf:value {killed} ;
    cf:qualifier cf:MoreThan ;
    cf:countOf cf:PeopleKilled ;
{prov}    cf:evidence "more than {killed} people have been killed" .

{ev}-injured a cf:Quantity ;
    rdfs:label "more than {injured} people injured"@en ;
    cf:value {injured} ;
    cf:qualifier cf:MoreThan ;
    cf:countOf cf:PeopleInjured ;
{prov}    cf:evidence "more than {injured} have been injured" .
"""
        )
    return "\n".join(out) + "\n"


TRIPLES_PER_CLUSTER_BASE = 165  # measured: about 165 triples plus 63 per event (4 attested role triples each)
TRIPLES_PER_EVENT = 63


def generate(triples: int, seed: int, out: Path, events: int = 20) -> Path:
    """Write a home of about `triples` data triples under `out`; return the data file."""
    rng = random.Random(seed)
    per = TRIPLES_PER_CLUSTER_BASE + TRIPLES_PER_EVENT * events
    clusters = max(1, round(triples / per))
    if out.exists():
        shutil.rmtree(out)
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / part, out / part)
    (out / "data").mkdir(parents=True)
    target = out / "data" / "synthetic.ttl"
    with open(target, "w", encoding="utf-8") as f:
        f.write(HEAD)
        for i in range(clusters):
            f.write(cluster(i, rng, events))
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, required=True, help="about how many data triples")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--events", type=int, default=20, help="armed clashes per synthetic conflict")
    ap.add_argument("--out", type=Path, required=True, help="the home to write (replaced)")
    args = ap.parse_args()
    path = generate(args.triples, args.seed, args.out, args.events)
    print(path)


if __name__ == "__main__":
    main()

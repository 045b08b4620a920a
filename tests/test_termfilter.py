"""The staged store's filter of term hashes: no term it was given is ever reported absent, and few others are taken for present."""

from __future__ import annotations

from kgtool.reasoning.termfilter import TermFilter


def test_every_term_added_is_in_the_filter_and_few_others_are():
    terms = [f"<https://example.org/node/{i}>" for i in range(200_000)]
    f = TermFilter(bits=1 << 22)  # small, so that false positives show: ~4M bits for 200k terms
    f.update(hash(t) for t in terms[:100_000])
    assert all(hash(t) in f for t in terms[:100_000])  # a term it holds is never looked up nowhere
    false = sum(hash(t) in f for t in terms[100_000:])
    assert false < 100_000 * 0.01  # two bits a term in 4M bits: ~0.2% expected


def test_negative_hashes_and_several_batches():
    f = TermFilter(bits=1 << 16)
    f.update([-1, -(1 << 40)], [2**63 - 1])
    assert -1 in f and -(1 << 40) in f and 2**63 - 1 in f

"""`validate` against a remote home: the submission judged by the same code as for a local home, the home's part it touches read from the server."""

from __future__ import annotations

from .store import load


def validate(home, files: list[str], allow_remote: bool = False, allow_merge: bool = False):
    """The Report of validating `files` with the remote `home` (validation.validate_submission over its server).

    What the neighbourhood and the consistency check look up (a node's triples, who points at it,
    its entailments) is asked of the server, each pattern once; the shapes and the reasoner's
    closed schema are files fetched once per push (RemoteHome.support).
    """
    from .. import submitted
    from ..validation import validate_submission

    submission = submitted.read(files, allow_remote)
    loaded = load(home)
    loaded.path = home.support()  # where consistency.check finds schema-closure.nt, as in a local store's directory
    prefetch(loaded, submission.triples)
    return validate_submission(loaded, submission, allow_merge)


def prefetch(loaded, triples) -> None:
    """Fetch in a few requests what judging `triples` looks up first: the descriptions of the nodes they name, and what points at their subjects."""
    from ..store import DATA, INFERRED, ONTOLOGY

    subjects = [t.subject for t in triples]
    loaded.store.prefetch(subjects + [t.object for t in triples], subjects, [ONTOLOGY, DATA, INFERRED])

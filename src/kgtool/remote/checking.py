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
    return validate_submission(loaded, submission, allow_merge)

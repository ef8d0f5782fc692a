"""Every public name we define has the original's signature; coverage is reported."""

from __future__ import annotations

from tests.compat.signatures import check


def test_no_signature_mismatch() -> None:
    report = check()
    assert report.present, "nothing of the public surface was found"
    assert not report.mismatches, "signature mismatches:\n" + "\n".join(report.mismatches)

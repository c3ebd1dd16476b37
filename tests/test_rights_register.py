"""The erasure register keeps keyed hashes only, and refuses a missing or wrong key (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from identity.rights.keys import (
    CUSTOMER,
    EMAIL,
    KINDS,
    PHONE,
    RECORD,
    PlainKeys,
    RightsInputError,
    subject_key,
)
from identity.rights.register import REGISTER_FILE, ErasureKeyError, Register
from support.rights import SECRET

NOW = datetime(2026, 12, 3, 10, 15, tzinfo=UTC)
VALUES = {
    RECORD: "crm:0038d0001qcbuxNAAQ",
    EMAIL: "jeanne.dupont@example.fr",
    PHONE: "+33612345678",
    CUSTOMER: "cus_0123456789abcdef0123",
}


def _register(tmp_path, secret: str = SECRET) -> Register:
    register = Register.open(tmp_path, secret, create=True)
    assert register is not None
    for kind, value in VALUES.items():
        register.request(subject_key(kind, value), NOW)
    register.save()
    return register


def test_the_register_file_holds_no_value_it_erased(tmp_path) -> None:
    _register(tmp_path)
    text = (tmp_path / REGISTER_FILE).read_text("utf-8").lower()
    for value in [*VALUES.values(), "0038d0001qcbuxnaaq", "jeanne", "612345678", "0123456789abc"]:
        assert value.lower() not in text, value
    assert SECRET.lower() not in text
    # What it does hold: one HMAC-SHA256 per key, and when each request was made.
    reopened = Register.open(tmp_path, SECRET)
    assert reopened is not None
    assert all(len(reopened.digests[kind]) == 1 for kind in KINDS)
    assert all(len(d) == 64 for kind in KINDS for d in reopened.digests[kind])
    assert [r["requested_at"] for r in reopened.requests] == [NOW.isoformat()] * 4


def test_the_hashes_are_keyed_another_secret_gives_other_digests(tmp_path) -> None:
    one = _register(tmp_path / "one")
    other = _register(tmp_path / "other", secret="a-different-secret-of-length")
    for kind in KINDS:
        assert one.digests[kind].isdisjoint(other.digests[kind])
    # And a kind is part of what is hashed: an email is no record key of the same text.
    assert one.digest(EMAIL, "x@y.fr") != one.digest(RECORD, "x@y.fr")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_key_is_found_and_only_as_its_own_kind(tmp_path, kind) -> None:
    register = Register.open(_register(tmp_path).path.parent, SECRET)
    assert register is not None
    values = pd.Series([VALUES[kind], "someone-else", None], dtype=object)
    assert register.holds(kind, values).tolist() == [True, False, False]
    for other in set(KINDS) - {kind}:
        assert not register.holds(other, values).any()


def test_a_missing_short_or_wrong_key_is_refused(tmp_path) -> None:
    # Nobody erased yet: a run needs no key at all.
    assert Register.open(tmp_path, "") is None
    with pytest.raises(ErasureKeyError, match="IDENTITY_ERASURE_KEY is not set"):
        Register.open(tmp_path, "", create=True)
    with pytest.raises(ErasureKeyError, match="at least 16 characters"):
        Register.open(tmp_path, "short", create=True)
    _register(tmp_path)
    with pytest.raises(ErasureKeyError, match="IDENTITY_ERASURE_KEY is not set"):
        Register.open(tmp_path, "")
    with pytest.raises(ErasureKeyError, match="not the key the erasure register"):
        Register.open(tmp_path, "the-wrong-key-of-some-length")


def test_requests_stay_pending_until_carried_out(tmp_path) -> None:
    register = _register(tmp_path)
    assert len(register.pending) == 4
    assert all(r.startswith("erasure-20261203T101500Z-") for r in register.pending)
    register.mark_applied(NOW)
    register.save()
    reopened = Register.open(tmp_path, SECRET)
    assert reopened is not None and reopened.pending == []


def test_keys_are_read_in_the_form_the_warehouse_holds_them() -> None:
    assert subject_key(EMAIL, "  Jeanne.Dupont@EXAMPLE.fr ").value == "jeanne.dupont@example.fr"
    assert subject_key(PHONE, "06 12 34 56 78", "FR").value == "+33612345678"
    assert subject_key(PHONE, "+33 6 12 34 56 78", "US").value == "+33612345678"
    assert subject_key(RECORD, "social:1400035748014950").value == "social:1400035748014950"
    # The value never shows in a log line or traceback.
    assert "jeanne" not in repr(subject_key(EMAIL, "jeanne@example.fr"))


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (RECORD, "0038d0001qcbuxNAAQ", "system:record_id"),
        (RECORD, "shop:123", "system:record_id"),
        (RECORD, "crm:", "system:record_id"),
        (EMAIL, "jeanne@@example", "not a valid email address"),
        (PHONE, "12", "not a valid phone number"),
        (CUSTOMER, "cus_123", "cus_ followed by 20 hex digits"),
    ],
)
def test_a_key_that_names_nobody_is_refused_without_repeating_it(kind, text, message) -> None:
    with pytest.raises(RightsInputError, match=message) as error:
        subject_key(kind, text)
    if kind in (EMAIL, PHONE):  # personal data: the message does not echo it
        assert text not in str(error.value)


def test_plain_keys_hold_values_of_their_own_kind() -> None:
    keys = PlainKeys.of(subject_key(EMAIL, "a@b.fr"))
    keys.add(RECORD, ["crm:1", None])
    assert keys.holds(EMAIL, pd.Series(["a@b.fr", "crm:1", None])).tolist() == [True, False, False]
    assert keys.holds(RECORD, pd.Series(["crm:1", "a@b.fr"])).tolist() == [True, False]

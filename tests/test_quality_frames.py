"""The quality tests' small frames (``support.quality_frames``) fit the schema they stand for."""

from __future__ import annotations

from identity import schema as s
from support.quality_frames import ROWS, contacts_frame, crosswalk_frame, golden_frame, raw_frame


def test_raw_frames_have_exactly_the_raw_columns_as_text() -> None:
    for source in s.SOURCE_SYSTEMS:
        frame = raw_frame(source)
        assert list(frame.columns) == s.RAW_COLUMNS
        assert len(frame) == ROWS
        values = frame.stack().tolist()  # stack() drops None
        assert values and all(isinstance(value, str) for value in values)


def test_contacts_frame_matches_the_contact_schema() -> None:
    frame = contacts_frame()
    assert list(frame.columns) == s.CONTACT_COLUMNS
    assert frame[s.RECORD_KEY].is_unique
    assert str(frame[s.CREATED_AT].dtype) == "datetime64[us, UTC]"


def test_golden_and_crosswalk_frames_agree() -> None:
    golden = golden_frame()
    crosswalk = crosswalk_frame(golden)
    assert list(crosswalk.columns) == s.CROSSWALK_SCHEMA.names
    assert set(crosswalk[s.CUSTOMER_ID]) == set(golden["customer_id"])
    assert len(crosswalk) == 15

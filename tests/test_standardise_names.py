"""Names: display forms, folded matching keys and one-field full names."""

from __future__ import annotations

import pytest

from identity.standardise import clean_name, fix_case, fold_name, split_full_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JEAN-PIERRE", "Jean-Pierre"),
        ("o'neil", "O'Neil"),
        ("mcdonald", "Mcdonald"),
        ("McDonald", "McDonald"),  # mixed case was chosen by someone: kept
        ("ÉLODIE", "Élodie"),
        ("  Hélène  ", "Hélène"),
        ("hélène", "Hélène"),
        ("de la FONTAINE", "de la FONTAINE"),
        ("DE LA FONTAINE", "De La Fontaine"),
        ("Mr John", "John"),
        ("Mrs. Smith", "Smith"),
        ("Ms Jones", "Jones"),
        ("Dr. Who", "Who"),
        ("M. Dupont", "Dupont"),
        ("Mme Hélène", "Hélène"),
        ("MLLE zoé", "Zoé"),
        ("M Dupont", "M Dupont"),  # a bare M is an initial, not Monsieur
        ("Dr", "Dr"),  # a title alone is not stripped to nothing
        (", Jean.", "Jean"),
        ("'Anne'", "Anne"),
        ("Jean   Paul", "Jean Paul"),
    ],
)
def test_clean_name_display_forms(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "N/A", "-", "?", "unknown", "TEST", "123", "..."])
def test_clean_name_rejects_missing_and_placeholders(raw: str | None) -> None:
    assert clean_name(raw) is None


def test_fix_case_leaves_mixed_case_alone() -> None:
    assert fix_case("MacLeod") == "MacLeod"
    assert fix_case("SAINT-ÉTIENNE") == "Saint-Étienne"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hélène", "helene"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Jean-Pierre", "jean pierre"),
        ("Jean Pierre", "jean pierre"),
        ("  MÜLLER ", "muller"),
        ("Zoë", "zoe"),
        ("J.P.", "jp"),
        ("Lefèvre-Dupont", "lefevre dupont"),
        ("Straße", "strasse"),
    ],
)
def test_fold_name(raw: str, expected: str) -> None:
    assert fold_name(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "N/A", "---", "null"])
def test_fold_name_missing(raw: str | None) -> None:
    assert fold_name(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jean Dupont", ("Jean", "Dupont")),
        ("DUPONT, Jean", ("Jean", "Dupont")),
        ("Dupont,Jean-Marc", ("Jean-Marc", "Dupont")),
        ("Mme Hélène de la Tour", ("Hélène", "de la Tour")),
        ("jean-pierre DE LA FONTAINE", ("Jean-Pierre", "De La Fontaine")),
        ("Madonna", ("Madonna", None)),
        ("N/A", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_full_name(raw: str | None, expected: tuple[str | None, str | None]) -> None:
    assert split_full_name(raw) == expected

"""A user's mistake ends in one or two lines that say what is wrong and how to fix it (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.cli import main


def _run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's own refusals
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


def _landing_with_exports(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    (landing / "crm" / "contacts.csv").write_text("Id,LastName\n0031,Smith\n", encoding="utf-8")
    return landing


def _mistake(tmp_path, capsys, monkeypatch, *args: str, expect: list[str]) -> str:
    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    warehouse = tmp_path / "warehouse"
    before = {p for p in tmp_path.rglob("*")}
    code, err = _run(capsys, *args)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2, err
    assert "Traceback" not in err
    for text in expect:
        assert text in err, err
    # Nothing was written: no warehouse, no Dagster home, no new file anywhere.
    assert not warehouse.exists() and not home.exists()
    assert {p for p in tmp_path.rglob("*")} == before
    return err


def test_a_missing_landing_folder_names_the_layout(tmp_path, capsys, monkeypatch) -> None:
    missing = tmp_path / "nowhere"
    err = _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(missing), "--warehouse", str(tmp_path / "warehouse"),
        "--engine", "duckdb",
        expect=[f"landing folder {missing} does not exist", "crm/, ecommerce/, pos/, social/",
                "IDENTITY_LANDING_DIR"],
    )  # fmt: skip
    assert err.startswith("error: ")


def test_an_empty_landing_folder_says_where_exports_go(tmp_path, capsys, monkeypatch) -> None:
    empty = tmp_path / "landing"
    (empty / "crm").mkdir(parents=True)  # a source folder with nothing in it is still nothing
    _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(empty), "--warehouse", str(tmp_path / "warehouse"),
        "--engine", "duckdb",
        expect=[f"landing folder {empty} holds no exports", "crm/, ecommerce/, pos/, social/"],
    )  # fmt: skip


def test_a_csv_at_the_landing_root_is_named(tmp_path, capsys, monkeypatch) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "contacts.csv").write_text("Id,LastName\n0031,Smith\n", encoding="utf-8")
    _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(landing), "--warehouse", str(tmp_path / "warehouse"),
        "--engine", "duckdb",
        expect=["holds no exports", "1 file(s) (contacts.csv) at its root",
                "move each into its source's folder"],
    )  # fmt: skip


def test_a_landing_path_that_is_a_file(tmp_path, capsys, monkeypatch) -> None:
    path = tmp_path / "exports.csv"
    path.write_text("Id\n1\n", encoding="utf-8")
    _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(path), "--warehouse", str(tmp_path / "warehouse"),
        "--engine", "duckdb",
        expect=[f"landing path {path} is a file, not a folder"],
    )  # fmt: skip


def test_a_warehouse_path_that_is_a_file(tmp_path, capsys, monkeypatch) -> None:
    landing = _landing_with_exports(tmp_path)
    path = tmp_path / "warehouse.txt"
    path.write_text("not a folder", encoding="utf-8")
    _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(landing), "--warehouse", str(path), "--engine", "duckdb",
        expect=[f"warehouse path {path} is a file", "IDENTITY_WAREHOUSE_DIR"],
    )  # fmt: skip
    _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(landing), "--warehouse", str(path / "inside"),
        "--engine", "duckdb",
        expect=[f"is inside {path}, which is a file"],
    )  # fmt: skip


def test_an_unknown_engine_from_the_environment(tmp_path, capsys, monkeypatch) -> None:
    landing = _landing_with_exports(tmp_path)
    monkeypatch.setenv("IDENTITY_ENGINE", "polars")
    _mistake(
        tmp_path, capsys, monkeypatch,
        "run", "--landing", str(landing), "--warehouse", str(tmp_path / "warehouse"),
        expect=["unknown engine 'polars': choose spark or duckdb", "IDENTITY_ENGINE"],
    )  # fmt: skip


def test_generating_no_people_is_refused(tmp_path, capsys, monkeypatch) -> None:
    _mistake(
        tmp_path, capsys, monkeypatch,
        "generate", "--people", "0", "--out", str(tmp_path / "out"),
        expect=["argument --people: must be at least 1, not 0"],
    )  # fmt: skip


def test_files_beside_real_exports_do_not_stop_a_run(tmp_path) -> None:
    from identity.preflight import check_landing

    landing = _landing_with_exports(tmp_path)
    (landing / "truth.csv").write_text("x", encoding="utf-8")  # as `identity generate` leaves
    assert check_landing(landing).sources == ["crm"]


@pytest.mark.parametrize("command", ["run", "generate"])
def test_help_documents_every_option_with_its_default(command, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "``" not in text and ":func:" not in text  # no RST leaking into the terminal
    options = {
        "run": ["--landing", "--warehouse", "--engine", "--full-refresh", "--truth", "--debug"],
        "generate": ["--people", "--out", "--seed", "--noise"],
    }[command]
    for option in options:
        assert option in text
    assert text.count("default") >= len(options) - (2 if command == "run" else 0)
    if command == "run":
        for variable in ("IDENTITY_LANDING_DIR", "IDENTITY_WAREHOUSE_DIR", "IDENTITY_ENGINE",
                         "IDENTITY_LOCK_WAIT_SECONDS"):  # fmt: skip
            assert variable in " ".join(text.split()), variable

"""``identity erase`` and ``identity export-subject``: a mistake is one or two lines (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.cli import main
from dagster_project.rights_cli import KEY_OPTIONS
from identity import publish as pub
from identity.rights.keys import KINDS
from identity.rights.register import REGISTER_FILE
from support.rights import SECRET, golden_row, publish_run

CUSTOMER = "cus_aaaaaaaaaaaaaaaaaaaa"


@pytest.fixture
def warehouse(tmp_path) -> Path:
    wh = tmp_path / "warehouse"
    golden = [golden_row(CUSTOMER, last_name="Zedworth", email="ann.zed@zedmail.net")]
    publish_run(wh, "run-1", golden, {"crm:003ANN": CUSTOMER, "pos:SQANN": CUSTOMER})
    return wh


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's own refusals
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _mistake(capsys, root: Path, *args: str, expect: str) -> None:
    before = _files(root)
    code, _, err = _run(capsys, *args)
    assert code == 2, err
    assert 1 <= len(err.strip().splitlines()) <= 2, err
    assert "Traceback" not in err and err.startswith("error: ")
    assert expect in err, err
    assert _files(root) == before  # nothing written, no register started


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--record", "0038d0001qcbuxNAAQ"], "system:record_id"),
        (["--record", "shop:12"], "system:record_id"),
        (["--email", "ann@@zed"], "not a valid email address"),
        (["--phone", "12"], "not a valid phone number"),
        (["--customer", "cus_12"], "cus_ followed by 20 hex digits"),
        (["--customer", "cus_cccccccccccccccccccc"], "no customer cus_cccccccccccccccccccc"),
        (["--email", "a@zedmail.net", "--phone", "+442079460001"], "not allowed with argument"),
        ([], "one of the arguments --record --email --phone --customer is required"),
    ],
)
@pytest.mark.parametrize("command", ["erase", "export-subject"])
def test_a_key_that_names_nobody_is_a_two_line_mistake(
    command, args, expect, warehouse, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", SECRET)
    out = ["--out", str(tmp_path / "x.json")] if command == "export-subject" else []
    _mistake(capsys, tmp_path, command, *args, "--warehouse", str(warehouse), *out, expect=expect)


def test_erase_without_the_secret_is_refused(warehouse, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("IDENTITY_ERASURE_KEY", raising=False)
    _mistake(capsys, tmp_path, "erase", "--customer", CUSTOMER, "--warehouse", str(warehouse),
             expect="IDENTITY_ERASURE_KEY is not set")  # fmt: skip
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", "short")
    _mistake(capsys, tmp_path, "erase", "--customer", CUSTOMER, "--warehouse", str(warehouse),
             expect="at least 16 characters")  # fmt: skip


def test_a_missing_warehouse_is_refused(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", SECRET)
    for command in ("erase", "export-subject"):
        _mistake(capsys, tmp_path, command, "--email", "a@zedmail.net",
                 "--warehouse", str(tmp_path / "nowhere"), expect="does not exist")  # fmt: skip


def test_an_export_inside_the_warehouse_is_refused(warehouse, tmp_path, capsys) -> None:
    _mistake(capsys, tmp_path, "export-subject", "--customer", CUSTOMER,
             "--warehouse", str(warehouse), "--out", str(warehouse / "subject.json"),
             expect="inside the warehouse")  # fmt: skip


def test_erase_then_export_and_run_need_the_same_key(
    warehouse, tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", SECRET)
    export = tmp_path / "subject.json"
    code, out, err = _run(capsys, "export-subject", "--email", "Ann.Zed@ZEDMAIL.net",
                          "--warehouse", str(warehouse), "--out", str(export))  # fmt: skip
    assert code == 0, err
    document = json.loads(export.read_text("utf-8"))
    [customer] = document["customers"]
    assert {r["source_record_id"] for r in customer["source_records"]} == {"003ANN", "SQANN"}
    assert "zedmail" not in out  # the console gets the path and counts, no personal data
    code, out, err = _run(capsys, "erase", "--email", "ann.zed@zedmail.net",
                          "--warehouse", str(warehouse))  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"erased 1 customer(s) ({CUSTOMER}; 2 source records)")
    assert "zedmail" not in out and "Zedworth" not in out
    assert (warehouse / REGISTER_FILE).exists()
    assert pub.read_table(warehouse, pub.GOLDEN).empty
    # From now on a run without the key, or with another, is refused before it starts.
    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    (landing / "crm" / "contacts.csv").write_text("Id,LastName\n0031,Smith\n", encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    run = ["run", "--landing", str(landing), "--warehouse", str(warehouse), "--engine", "duckdb"]
    monkeypatch.delenv("IDENTITY_ERASURE_KEY")
    _mistake(capsys, tmp_path, *run, expect="IDENTITY_ERASURE_KEY is not set")
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", "another-key-of-enough-length")
    _mistake(capsys, tmp_path, *run, expect="not the key the erasure register")
    # Exporting an erased customer again finds its retirement and nothing else.
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", SECRET)
    code, _, err = _run(capsys, "export-subject", "--customer", CUSTOMER,
                        "--warehouse", str(warehouse), "--out", str(export))  # fmt: skip
    assert code == 0, err
    [customer] = json.loads(export.read_text("utf-8"))["customers"]
    assert customer["status"] == "erased" and customer["golden"] is None
    assert customer["source_records"] == []
    assert [c["change_type"] for c in customer["changes"]] == ["new", "erased"]


def test_an_unknown_email_is_registered_for_later_runs(warehouse, capsys, monkeypatch) -> None:
    monkeypatch.setenv("IDENTITY_ERASURE_KEY", SECRET)
    code, out, err = _run(capsys, "erase", "--email", "nobody@zedmail.net",
                          "--warehouse", str(warehouse))  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"no customer of {warehouse.resolve()} matches; request erasure-")
    assert len(pub.read_table(warehouse, pub.GOLDEN)) == 1


@pytest.mark.parametrize("command", ["erase", "export-subject"])
def test_help_documents_every_option_with_its_default(command, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    options = ["--record", "--email", "--phone", "--customer", "--warehouse", "--debug"]
    options += ["--out"] if command == "export-subject" else []
    for option in options:
        assert option in text
    assert text.count("default") >= len(options) - 1  # --debug is a flag
    for variable in (
        "IDENTITY_WAREHOUSE_DIR",
        "IDENTITY_DEFAULT_REGION",
        "IDENTITY_LOCK_WAIT_SECONDS",
    ):
        assert variable in text, variable
    if command == "erase":
        assert "IDENTITY_ERASURE_KEY" in text and "IDENTITY_QUARANTINE_RETENTION_DAYS" in text


def test_the_options_name_the_library_key_kinds() -> None:
    assert {kind for _, kind, _, _ in KEY_OPTIONS} == set(KINDS)

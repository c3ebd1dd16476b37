"""Demo generator: native formats, truth, determinism and realism of the generated exports."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from identity import schema as s
from identity_demo import GenerateSummary, ecommerce, generate
from identity_demo.ids import salesforce_suffix
from identity_demo.noise import NoiseRates, city_variant, postcode_typo, swap_day_month, typo
from identity_demo.people import Person, build_population
from identity_demo.phones import STYLES, Phone, format_phone
from identity_demo.records import build_records

PEOPLE = 300
SEED = 42


def _columns(line: str, separator: str = ",") -> list[str]:
    """A header line pasted verbatim from the format documentation."""
    return line.split(separator)


# Headers exactly as /work/shared/source-formats.md spells them.
SALESFORCE_HEADER = [
    "Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "MailingStreet",
    "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry", "Birthdate", "Title",
    "HasOptedOutOfEmail", "CreatedDate", "LastModifiedDate",
]  # fmt: skip
SHOPIFY_HEADER = _columns(
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
    "Default Address Address1,Default Address Address2,Default Address City,"
    "Default Address Province Code,Default Address Country Code,Default Address Zip,"
    "Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,"
    "Tax Exempt,Tags"
)
SQUARE_HEADER = _columns(
    "Reference ID,First Name,Last Name,Email Address,Phone Number,Nickname,Company Name,"
    "Street Address 1,Street Address 2,City,State,Postal Code,Birthday,Memo,Square Customer ID,"
    "Creation Source,First Visit,Last Visit,Transaction Count,Lifetime Spend,"
    "Email Subscription Status,Instant Profile,Blocked from online booking"
)
META_FIXED = _columns(
    "id\tcreated_time\tad_id\tad_name\tadset_id\tadset_name\tcampaign_id\tcampaign_name\t"
    "form_id\tform_name\tis_organic\tplatform",
    "\t",
)
ITEMS_START = _columns(
    "Date,Time,Time Zone,Category,Item,Qty,Price Point Name,SKU,Modifiers Applied,Gross Sales,"
    "Discounts,Net Sales,Tax,Transaction ID,Payment ID,Device Name,Notes,Details,Event Type,"
    "Location,Dining Option,Customer ID,Customer Name,Customer Reference ID,Unit,Count,"
    "Itemization Type"
)


# ---------------------------------------------------------------- reading the files back


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a generated file, detecting BOM, UTF-16 and tabs like a reader."""
    raw = path.read_bytes()
    if raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le")
    elif raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    else:
        text = raw.decode("utf-8")
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def _rows(folder: Path, pattern: str) -> list[dict[str, str]]:
    """Every row of the files matching ``pattern`` in ``folder``, file by file in name order."""
    return [row for path in sorted(folder.glob(pattern)) for row in read_table(path)[1]]


def _crm_customers(out: Path) -> list[dict[str, str]]:
    rows = _rows(out / "crm", "contacts_*.csv")
    return [
        {**row, "_id": row["Id"]} for row in rows if row.get("IsDeleted", "0") not in ("1", "true")
    ]


def _shop_customers(out: Path) -> list[dict[str, str]]:
    rows = _rows(out / "ecommerce", "customers_export*.csv")
    return [{**row, "_id": row["Customer ID"].lstrip("'")} for row in rows]


def _square_customers(out: Path) -> list[dict[str, str]]:
    found = []
    for row in _rows(out / "pos", "customer_directory*.csv"):
        if "Surname" in row:
            row["Last Name"] = row["Surname"]
        found.append({**row, "_id": row["Square Customer ID"]})
    return found


def _lead_customers(out: Path) -> list[dict[str, str]]:
    rows = _rows(out / "social", "leads_fb_*.csv")
    return [
        {**row, "_id": row["id"].removeprefix("l:")}
        for row in rows
        if not any(value.startswith("<test lead:") for value in row.values())
    ]


def customer_rows(out: Path) -> dict[str, list[dict[str, str]]]:
    """Customer records per source, as a reader would report them (ids cleaned)."""
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    for source, customers in (
        ("crm", _crm_customers),
        ("ecommerce", _shop_customers),
        ("pos", _square_customers),
        ("social", _lead_customers),
    ):
        rows = customers(out)
        if rows:
            found[source] = rows
    return found


def read_truth(out: Path) -> list[dict[str, str]]:
    header, rows = read_table(out / "truth.csv")
    assert header == s.TRUTH_COLUMNS
    return rows


def all_bytes(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerateSummary]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(PEOPLE, out, seed=SEED)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(PEOPLE, out, seed=SEED, noise=0.0)
    return out


@pytest.fixture(scope="module")
def truth_people() -> dict[str, Person]:
    return {person.entity_id: person for person in build_population(PEOPLE, SEED)}


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(
    demo: tuple[Path, GenerateSummary], tmp_path: Path
) -> None:
    out, summary = demo
    again = generate(PEOPLE, tmp_path, seed=SEED)
    assert all_bytes(tmp_path) == all_bytes(out)
    assert again.records == summary.records


def _generate_without(missing: str, out: Path) -> subprocess.CompletedProcess[str]:
    """``identity generate`` in a fresh interpreter where importing ``missing`` fails."""
    # None in sys.modules makes every import of that module raise ModuleNotFoundError.
    script = (
        f"import sys; sys.modules[{missing!r}] = None; from dagster_project.cli import main; "
        f"sys.exit(main(['generate', '--people', '5', '--out', {str(out)!r}]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("missing", ["faker", "identity_demo"])
def test_generate_without_the_demo_extra_says_how_to_install_it(
    missing: str, tmp_path: Path
) -> None:
    done = _generate_without(missing, tmp_path / "landing")
    assert done.returncode == 2
    assert done.stderr == (
        "error: identity generate needs the demo extra: pip install 'identity[demo]'\n"
    )
    assert done.stdout == ""
    assert not (tmp_path / "landing").exists()


def test_generate_does_not_blame_the_extra_for_another_missing_module(tmp_path: Path) -> None:
    # phonenumbers is a runtime dependency: its absence is a broken install, not a missing extra.
    done = _generate_without("phonenumbers", tmp_path / "landing")
    assert done.returncode == 1
    # One line naming the real cause (the traceback only with --debug), not the demo extra.
    assert done.stderr.startswith("error: ModuleNotFoundError: import of phonenumbers halted")
    assert "--debug" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "demo extra" not in done.stderr


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """A fresh interpreter with another hash seed writes the same bytes (no hash(), no sets)."""
    script = "import sys; from pathlib import Path; from identity_demo import generate; "
    script += f"generate(60, Path(sys.argv[1]), seed={SEED})"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "fresh")], env=env, check=True)
    generate(60, tmp_path / "here", seed=SEED)
    assert all_bytes(tmp_path / "fresh") == all_bytes(tmp_path / "here")


def test_other_seed_gives_other_data(demo: tuple[Path, GenerateSummary], tmp_path: Path) -> None:
    out, _ = demo
    generate(PEOPLE, tmp_path, seed=SEED + 1)
    first, second = all_bytes(out), all_bytes(tmp_path)
    assert first.keys() == second.keys() or len(first) == len(second)
    assert first["truth.csv"] != second["truth.csv"]
    assert first["crm/contacts_dataloader.csv"] != second["crm/contacts_dataloader.csv"]


def test_transactions_do_not_change_customer_files(
    demo: tuple[Path, GenerateSummary], tmp_path: Path
) -> None:
    out, _ = demo
    summary = generate(PEOPLE, tmp_path, seed=SEED, with_transactions=False)
    names = {path.name for path in summary.files}
    assert "orders_export_1.csv" not in names
    assert not any(name.startswith("items-") for name in names)
    with_orders = all_bytes(out)
    for name, content in all_bytes(tmp_path).items():
        assert content == with_orders[name], name


# ---------------------------------------------------------------- truth


def test_truth_lists_exactly_the_customer_records(demo: tuple[Path, GenerateSummary]) -> None:
    out, summary = demo
    truth = read_truth(out)
    found = customer_rows(out)
    for source in s.SOURCE_SYSTEMS:
        expected = sorted(row["_id"] for row in found[source])
        listed = sorted(row["source_record_id"] for row in truth if row["source_system"] == source)
        assert listed == expected, source
        assert summary.records[source] == len(expected)
        assert len(set(expected)) == len(expected), f"{source} ids must be unique"
    assert len(truth) == sum(summary.records.values())
    assert summary.truth_path == out / "truth.csv"
    assert summary.files == sorted(summary.files)
    assert all(path.exists() for path in summary.files)


def test_every_person_is_in_one_to_four_sources(demo: tuple[Path, GenerateSummary]) -> None:
    out, summary = demo
    sources: dict[str, set[str]] = defaultdict(set)
    for row in read_truth(out):
        sources[row["entity_id"]].add(row["source_system"])
    assert len(sources) == summary.people == PEOPLE
    spread = Counter(len(names) for names in sources.values())
    assert set(spread) <= {1, 2, 3, 4}
    # Roughly 40/30/20/10 %: generous bounds for 300 people.
    assert 0.28 < spread[1] / PEOPLE < 0.52
    assert spread[4] > 0


def test_some_people_have_two_records_in_one_source(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    per_source = Counter((row["entity_id"], row["source_system"]) for row in read_truth(out))
    twice = [key for key, count in per_source.items() if count == 2]
    assert 2 <= len(twice) <= 25
    assert max(per_source.values()) == 2


def test_deleted_contacts_and_test_leads_are_not_customers(
    demo: tuple[Path, GenerateSummary],
) -> None:
    out, _ = demo
    listed = {row["source_record_id"] for row in read_truth(out)}
    weekly = read_table(out / "crm" / "contacts_weekly_export.csv")[1]
    deleted = [row for row in weekly if row["IsDeleted"] == "1"]
    assert deleted and not any(row["Id"] in listed for row in deleted)
    masters = {row["MasterRecordId"] for row in deleted} - {""}
    assert masters <= listed  # merged into live contacts
    test_leads = []
    for path in sorted((out / "social").glob("leads_fb_*.csv")):
        for row in read_table(path)[1]:
            if any(value.startswith("<test lead: dummy data for ") for value in row.values()):
                test_leads.append(row)
    assert 1 <= len(test_leads) <= 2
    assert not any(row["id"].removeprefix("l:") in listed for row in test_leads)
    assert all(row["ad_id"] == "" for row in test_leads)


# ---------------------------------------------------------------- native formats


def test_headers_match_the_documented_formats(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    assert read_table(out / "crm" / "contacts_dataloader.csv")[0] == SALESFORCE_HEADER
    weekly = read_table(out / "crm" / "contacts_weekly_export.csv")[0]
    assert set(SALESFORCE_HEADER) <= set(weekly)
    for extra in ("Salutation", "MiddleName", "HomePhone", "IsDeleted", "MasterRecordId"):
        assert extra in weekly
    assert "Loyalty_Tier__c" in weekly
    assert read_table(out / "ecommerce" / "customers_export.csv")[0] == SHOPIFY_HEADER
    square = read_table(out / "pos" / "customer_directory.csv")[0]
    assert square[: len(SQUARE_HEADER)] == SQUARE_HEADER
    assert len(square) > len(SQUARE_HEADER)  # custom fields
    uk = read_table(out / "pos" / "customer_directory_uk.csv")[0]
    assert uk == [("Surname" if c == "Last Name" else c) for c in square]
    items = read_table(out / "pos" / "items-2026-01-01-2026-11-01.csv")[0]
    assert items[: len(ITEMS_START)] == ITEMS_START
    orders = read_table(out / "ecommerce" / "orders_export_1.csv")[0]
    for column in ("Name", "Email", "Paid at", "Created at", "Billing Name", "Billing Phone"):
        assert column in orders
    questions = {}
    for path in sorted((out / "social").glob("leads_fb_*.csv")):
        header = read_table(path)[0]
        assert header[:12] == META_FIXED and header[-1] == "lead_status"
        questions[path.name] = header[12:-1]
    assert any(
        {"first_name", "last_name", "what_is_your_budget?"} <= set(q) for q in questions.values()
    )
    assert any(
        {"nom_complet", "téléphone", "ville", "code_postal"} <= set(q) for q in questions.values()
    )
    assert any("full_name" in q for q in questions.values())


def test_salesforce_encodings_quoting_and_values(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    loader = (out / "crm" / "contacts_dataloader.csv").read_bytes()
    weekly = (out / "crm" / "contacts_weekly_export.csv").read_bytes()
    assert loader.startswith(b'\xef\xbb\xbf"Id","FirstName"')
    assert weekly.startswith(b'"Id","IsDeleted"')
    loader_rows = read_table(out / "crm" / "contacts_dataloader.csv")[1]
    weekly_rows = read_table(out / "crm" / "contacts_weekly_export.csv")[1]
    assert {row["HasOptedOutOfEmail"] for row in loader_rows} <= {"true", "false"}
    assert {row["HasOptedOutOfEmail"] for row in weekly_rows} <= {"0", "1"}
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", r["CreatedDate"]) for r in loader_rows
    )
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["CreatedDate"]) for r in weekly_rows
    )
    ids = [row["Id"] for row in loader_rows + weekly_rows]
    assert all(re.fullmatch(r"003[0-9A-Za-z]{15}", value) for value in ids)
    assert all(value[15:] == salesforce_suffix(value[:15]) for value in ids)
    streets = [row["MailingStreet"] for row in loader_rows + weekly_rows]
    assert any("\n" in street for street in streets)
    countries = Counter(row["MailingCountry"] for row in loader_rows + weekly_rows)
    assert set(countries) <= {"France", "United Kingdom", "United States", ""}
    assert countries[""] > 0
    # Every field is quoted, even empty ones and booleans.
    assert b',"",' in loader and b',"false",' in loader


def test_shopify_keeps_zeros_with_apostrophes(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    rows = read_table(out / "ecommerce" / "customers_export.csv")[1]
    assert all(re.fullmatch(r"'\d{13}", row["Customer ID"]) for row in rows)
    phones = [row["Phone"] for row in rows if row["Phone"]]
    assert phones and all(re.fullmatch(r"'\+\d{10,13}", phone) for phone in phones)
    zips = [row["Default Address Zip"] for row in rows if row["Default Address Zip"]]
    assert any(value.startswith("'0") for value in zips)
    assert all(value.startswith("'") == value.lstrip("'").startswith("0") for value in zips)
    assert {row["Accepts Email Marketing"] for row in rows} <= {"yes", "no"}
    assert all(re.fullmatch(r"\d+\.\d\d", row["Total Spent"]) for row in rows)
    assert set(row["Default Address Country Code"] for row in rows) <= {"FR", "GB", "US", ""}
    raw = (out / "ecommerce" / "customers_export.csv").read_text("utf-8")
    assert any(f'"{row["Tags"]}"' in raw for row in rows if ", " in row["Tags"])


def test_shopify_orders_add_up_to_customer_totals(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    customers = read_table(out / "ecommerce" / "customers_export.csv")[1]
    orders = read_table(out / "ecommerce" / "orders_export_1.csv")[1]
    firsts = [row for row in orders if row["Financial Status"]]
    later = [row for row in orders if not row["Financial Status"]]
    assert later and all(row["Created at"] == "" and row["Lineitem name"] for row in later)
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [-+]\d{4}", r["Created at"]) for r in firsts
    )
    assert len({row["Name"] for row in firsts}) == len(firsts)
    total = sum(round(float(row["Total Spent"]) * 100) for row in customers)
    assert total == sum(round(float(row["Total"]) * 100) for row in firsts)
    assert sum(int(row["Total Orders"]) for row in customers) == len(firsts)
    by_email: dict[str, list[int]] = defaultdict(list)
    for row in firsts:
        by_email[row["Email"]].append(round(float(row["Total"]) * 100))
    emails = Counter(row["Email"] for row in customers)
    for row in customers:
        if row["Email"] and emails[row["Email"]] == 1:
            assert len(by_email[row["Email"]]) == int(row["Total Orders"])
            assert sum(by_email[row["Email"]]) == round(float(row["Total Spent"]) * 100)
    for row in firsts:  # each order: subtotal + shipping + taxes = total
        parts = sum(round(float(row[c]) * 100) for c in ("Subtotal", "Shipping", "Taxes"))
        assert parts == round(float(row["Total"]) * 100)


def test_square_formats_and_spend(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    rows = customer_rows(out)["pos"]
    assert all(re.fullmatch(r"[0-9A-Z]{26}", row["Square Customer ID"]) for row in rows)
    phones = [row["Phone Number"] for row in rows if row["Phone Number"]]
    assert phones and all(phone.startswith("'") for phone in phones)
    assert all(re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d", row["Lifetime Spend"]) for row in rows)
    visits = [row["First Visit"] for row in rows if row["First Visit"]]
    assert visits and all(re.fullmatch(r"\d\d-\d\d-\d{4}", value) for value in visits)
    assert {row["Email Subscription Status"] for row in rows} <= {
        "Subscribed",
        "Unsubscribed",
        "Unknown",
    }
    assert 0.3 < sum(not row["Reference ID"] for row in rows) / len(rows) < 1
    uk = read_table(out / "pos" / "customer_directory_uk.csv")[1]
    assert 0 < len(uk) < 0.25 * len(rows)
    spend = {
        row["Square Customer ID"]: round(float(row["Lifetime Spend"][1:].replace(",", "")) * 100)
        for row in rows
    }
    items = read_table(out / "pos" / "items-2026-01-01-2026-11-01.csv")[1]
    assert any(row["Customer ID"] == "" for row in items)  # walk-ins
    assert any(row["Discounts"].startswith("-$") for row in items)
    in_window: Counter[str] = Counter()
    for row in items:
        assert row["Date"] >= "2026-01-01" and row["Date"] < "2026-11-01"
        if row["Customer ID"]:
            net, tax = (
                round(float(row[c].lstrip("$").replace(",", "")) * 100)
                for c in ("Net Sales", "Tax")
            )
            in_window[row["Customer ID"]] += net + tax
    assert in_window and all(spend[key] >= value for key, value in in_window.items())


def test_meta_files_are_utf16_tab_separated(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    files = sorted((out / "social").glob("leads_fb_*.csv"))
    assert 2 <= len(files) <= 3
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(b"\xff\xfe")
        assert raw[2:].decode("utf-16-le").startswith("id\tcreated_time\t")
    rows = customer_rows(out)["social"]
    assert all(re.fullmatch(r"\d{16}", row["_id"]) for row in rows)
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d", row["created_time"])
        for row in rows
    )
    assert {row["platform"] for row in rows} == {"fb", "ig"}
    ads = [row for row in rows if row["ad_id"]]
    assert all(row["ad_id"].startswith("ag:") and row["adset_id"].startswith("as:") for row in ads)
    assert all(row["campaign_id"].startswith("c:") for row in ads)
    assert all(row["form_id"].startswith("f:") for row in rows)
    organic = [row for row in rows if row["is_organic"] == "true"]
    assert all(row["ad_id"] == row["campaign_id"] == "" for row in organic)
    phones = [row.get("phone_number") or row.get("téléphone") or "" for row in rows]
    assert all(re.fullmatch(r"p:\+\d{10,13}", phone) for phone in phones if phone)
    zips = [row["zip_code"] for row in rows if row.get("zip_code")]
    assert zips and all(value.startswith("z:") for value in zips)


# ---------------------------------------------------------------- realism


def test_households_share_an_address(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    truth = {
        (row["source_system"], row["source_record_id"]): row["entity_id"] for row in read_truth(out)
    }
    at_address: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in customer_rows(out)["ecommerce"]:
        if row["Default Address Address1"]:
            key = (row["Default Address Address1"], row["Default Address City"])
            at_address[key].add(truth[("ecommerce", row["_id"])])
    shared = [people for people in at_address.values() if len(people) >= 2]
    assert len(shared) >= 3


def test_population_structure(truth_people: dict[str, Person]) -> None:
    people = list(truth_people.values())
    locales = Counter(person.locale for person in people)
    assert set(locales) == {"fr_FR", "en_GB", "en_US"}
    assert all(0.2 < count / len(people) < 0.45 for count in locales.values())
    households: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if person.household_id:
            households[person.household_id].append(person)
    members = sum(len(group) for group in households.values())
    assert 0.10 < members / len(people) < 0.20
    for group in households.values():
        assert 2 <= len(group) <= 4
        assert len({(p.address, p.last_name) for p in group}) == 1
        assert len({p.first_name for p in group}) == len(group)
        assert len({p.date_of_birth for p in group}) == len(group)
    namesakes = Counter(
        (p.first_name, p.last_name, p.address.city) for p in people if not p.household_id
    )
    assert any(count >= 2 for count in namesakes.values())
    assert any(person.family_email for person in people)
    assert len({person.email for person in people}) == len(people)
    assert all(date(1940, 1, 1) <= p.date_of_birth <= date(2006, 12, 31) for p in people)
    assert any(
        c != c.encode("ascii", "ignore").decode()
        for p in people
        for c in p.first_name + p.last_name
    )


def test_noise_zero_copies_names_exactly(clean: Path, truth_people: dict[str, Person]) -> None:
    truth = {
        (row["source_system"], row["source_record_id"]): row["entity_id"]
        for row in read_truth(clean)
    }
    checked = 0
    for source, rows in customer_rows(clean).items():
        for row in rows:
            person = truth_people[truth[(source, row["_id"])]]
            full = f"{person.first_name} {person.last_name}"
            if source == "crm":
                pair = (row["FirstName"], row["LastName"])
            elif source == "social" and "first_name" not in row:
                assert row.get("full_name", row.get("nom_complet")) == full
                checked += 1
                continue
            elif source == "social":
                pair = (row["first_name"], row["last_name"])
            else:
                pair = (row["First Name"], row["Last Name"])
            assert pair == (person.first_name, person.last_name), (source, row["_id"])
            checked += 1
    assert checked == len(read_truth(clean))


def test_noise_one_has_realistic_errors(
    demo: tuple[Path, GenerateSummary], truth_people: dict[str, Person]
) -> None:
    out, _ = demo
    truth = {
        (row["source_system"], row["source_record_id"]): row["entity_id"] for row in read_truth(out)
    }
    differ = total = 0
    for row in customer_rows(out)["crm"]:
        person = truth_people[truth[("crm", row["_id"])]]
        total += 1
        differ += (row["FirstName"], row["LastName"]) != (person.first_name, person.last_name)
    assert 0.08 < differ / total < 0.45


def test_error_rates_scale_with_noise(truth_people: dict[str, Person]) -> None:
    people = list(truth_people.values())

    def missing_email(noise: float) -> float:
        records = build_records(people, SEED, noise)
        return sum(not record.email for record in records) / len(records)

    assert missing_email(0) == 0
    assert 0.08 < missing_email(1) < 0.24
    assert missing_email(2) > missing_email(1)
    assert NoiseRates().scaled(30).typo == 1.0  # capped at certainty
    with pytest.raises(ValueError):
        NoiseRates().scaled(-1)


def test_every_phone_is_valid(
    demo: tuple[Path, GenerateSummary], truth_people: dict[str, Person]
) -> None:
    out, _ = demo
    truth = {
        (row["source_system"], row["source_record_id"]): row["entity_id"] for row in read_truth(out)
    }
    columns = {
        "crm": ("Phone", "MobilePhone", "HomePhone"),
        "ecommerce": ("Phone", "Default Address Phone"),
        "pos": ("Phone Number",),
        "social": ("phone_number", "téléphone"),
    }
    seen = 0
    for source, rows in customer_rows(out).items():
        for row in rows:
            country = truth_people[truth[(source, row["_id"])]].country
            for column in columns[source]:
                text = row.get(column, "").lstrip("'").removeprefix("p:")
                if not text:
                    continue
                number = phonenumbers.parse(text, country)
                assert phonenumbers.is_valid_number_for_region(number, country), (source, text)
                seen += 1
    assert seen > 300
    mobiles = [p.mobile for p in truth_people.values()]
    kinds = {
        phonenumbers.number_type(phonenumbers.parse(m.e164)) for m in mobiles if m.country != "US"
    }
    assert kinds == {phonenumbers.PhoneNumberType.MOBILE}


def test_every_email_is_valid(demo: tuple[Path, GenerateSummary]) -> None:
    out, _ = demo
    columns = {"crm": "Email", "ecommerce": "Email", "pos": "Email Address", "social": "email"}
    emails = [row[columns[source]] for source, rows in customer_rows(out).items() for row in rows]
    present = [email for email in emails if email]
    assert 0.7 < len(present) / len(emails) < 0.95
    for email in present:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as error:  # pragma: no cover - shows the culprit
            pytest.fail(f"{email}: {error}")
    assert any(
        ".famille@" in e or "famille." in e or "family@" in e or e.startswith("the")
        for e in present
    )


# ---------------------------------------------------------------- file management


def test_rerun_replaces_only_our_files(demo: tuple[Path, GenerateSummary], tmp_path: Path) -> None:
    (tmp_path / "ecommerce").mkdir(parents=True)
    stale = tmp_path / "ecommerce" / "customers_export_2.csv"
    stale.write_text("old", encoding="utf-8")
    keep = tmp_path / "ecommerce" / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    summary = generate(PEOPLE, tmp_path, seed=SEED)
    assert not stale.exists()
    assert keep.read_text(encoding="utf-8") == "mine"
    assert keep not in summary.files
    assert all_bytes(tmp_path).keys() - {"ecommerce/notes.txt"} == all_bytes(demo[0]).keys()


def test_many_customers_spill_into_a_second_shopify_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ecommerce, "SPLIT_ROWS", 40)
    summary = generate(120, tmp_path, seed=SEED)
    first = read_table(tmp_path / "ecommerce" / "customers_export.csv")
    second = read_table(tmp_path / "ecommerce" / "customers_export_2.csv")
    assert second[0] == first[0] == SHOPIFY_HEADER
    assert len(first[1]) + len(second[1]) == summary.records["ecommerce"]
    listed = {row["source_record_id"] for row in read_truth(tmp_path)}
    assert {row["Customer ID"].lstrip("'") for row in second[1]} <= listed


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="people"):
        generate(0, tmp_path)
    with pytest.raises(ValueError, match="noise"):
        generate(10, tmp_path, noise=-0.5)


# ---------------------------------------------------------------- building blocks


def test_typo_always_changes_the_name() -> None:
    rng = random.Random(1)
    for name in ("Al", "Jean-Baptiste", "Hélène", "O'Brien", "Bob"):
        for _ in range(50):
            changed = typo(rng, name)
            assert changed != name
            assert abs(len(changed) - len(name)) <= 1


def test_city_and_postcode_variants() -> None:
    rng = random.Random(3)
    assert city_variant(rng, "Saint-Étienne").startswith(("St-", "St "))
    assert city_variant(rng, "St Albans").startswith(("Saint ", "St. "))
    assert city_variant(rng, "St. Louis").startswith(("Saint ", "St "))
    assert city_variant(rng, "Lyon") in ("LYON", "lyon")
    for code in ("75011", "SW1 4AB", "02118"):
        for _ in range(20):
            wrong = postcode_typo(rng, code)
            assert wrong != code and len(wrong) == len(code)
    assert swap_day_month(date(1980, 4, 7)) == date(1980, 7, 4)
    assert swap_day_month(date(1980, 4, 17)) == date(1980, 4, 17)


def test_phone_styles_parse_back() -> None:
    numbers = [Phone("FR", 612345678), Phone("GB", 7400123456), Phone("US", 3125550199)]
    for phone in numbers:
        for style in STYLES:
            text = format_phone(phone, style, "12" if style == "national" else "")
            parsed = phonenumbers.parse(text, phone.country)
            assert parsed.national_number == phone.number, (style, text)
    assert format_phone(numbers[0], "dotted") == "06.12.34.56.78"
    assert format_phone(numbers[0], "idd") == "0033612345678"
    assert format_phone(numbers[2], "national", "12") == "(312) 555-0199 x12"
    with pytest.raises(ValueError):
        format_phone(numbers[0], "morse")


def test_salesforce_suffix() -> None:
    # Upper-case letters at positions 1, 3, 4 of the last block: bits 2 + 8 + 16 = 26 -> "0".
    assert salesforce_suffix("00570000001ZwTL") == "AA0"
    assert salesforce_suffix("003000000000000") == "AAA"
    assert salesforce_suffix("ABCDEABCDEABCDE") == "555"

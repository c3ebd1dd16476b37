"""The baseline we compare against: the Splink script a data engineer writes in an afternoon.

Default comparisons from Splink's library, light cleaning (trim, lower-case, digits-only phones,
parsed dates), the tutorial's training recipe. It reads the same native files through our
readers, since parsing vendor quirks is not what is being compared.

The script is written for one data set at a time, so, as its author would on data without
emails or phones, it keeps only the comparisons, blocking rules and training steps whose
columns hold values (``settings_for``, ``run_plain_splink``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

from identity import engine
from identity import schema as s
from identity.readers import read_source

if TYPE_CHECKING:
    from splink.internals.blocking_rule_creator import BlockingRuleCreator

logger = logging.getLogger(__name__)

# (columns a comparison reads, the comparison); the afternoon script's full list.
COMPARISONS: tuple[tuple[tuple[str, ...], Any], ...] = (
    (("first_name",), cl.NameComparison("first_name")),
    (("last_name",), cl.NameComparison("last_name")),
    (("email",), cl.EmailComparison("email")),
    (("phone",), cl.ExactMatch("phone")),
    (("dob",), cl.DateOfBirthComparison("dob", input_is_string=True)),
    (("postcode",), cl.PostcodeComparison("postcode")),
    (("city",), cl.ExactMatch("city").configure(term_frequency_adjustments=True)),
)
BLOCKING: tuple[tuple[str, ...], ...] = (
    ("first_name", "last_name"),
    ("email",),
    ("phone",),
    ("dob",),
    ("postcode",),
)
# Deterministic rules for the prior: the script's own two, when their columns exist.
PRIOR_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("email",), "l.email = r.email"),
    (("first_name", "last_name"), "l.first_name = r.first_name and l.last_name = r.last_name"),
)
# EM sessions: names first (trains everything else), then the first of these that exists and
# trains (trains the names).
SECOND_EM_BLOCKS: tuple[str, ...] = ("dob", "postcode", "email", "phone")


def filled_columns(frame: pd.DataFrame) -> set[str]:
    """Columns of ``frame`` with at least one value."""
    return {column for column in frame.columns if frame[column].notna().any()}


def settings_for(columns: set[str]) -> SettingsCreator:
    """The script's settings, keeping only comparisons and blocking rules on ``columns``.

    Args:
        columns: Columns that hold values (``filled_columns``).

    Returns:
        Splink settings for a dedupe.

    Raises:
        ValueError: No comparison or no blocking rule is left.
    """
    comparisons = [c for needs, c in COMPARISONS if set(needs) <= columns]
    blocking: list[BlockingRuleCreator | dict[str, Any]] = [
        block_on(*needs) for needs in BLOCKING if set(needs) <= columns
    ]
    if not comparisons or not blocking:
        raise ValueError(
            f"plain Splink has nothing to compare or block on; filled columns: {sorted(columns)}"
        )
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )


def light_clean(records: pd.DataFrame) -> pd.DataFrame:
    """What a quick script does to raw exports: trim, lower-case, keep phone digits.

    Args:
        records: Reader output (``schema.RAW_COLUMNS``).

    Returns:
        ``unique_id`` and the compared columns.
    """

    def text(column: str) -> pd.Series:
        value = records[column].astype("object").str.strip().str.lower()
        return value.where(value.notna() & (value != ""), None)

    full = text(s.FULL_NAME)
    first = text(s.FIRST_NAME).fillna(full.str.split(" ").str[0])
    last = text(s.LAST_NAME).fillna(full.str.split(" ").str[-1])
    phone = records[s.MOBILE_PHONE].fillna(records[s.PHONE]).astype("object")
    phone = phone.str.replace(r"\D", "", regex=True).str[-10:]
    dob = pd.to_datetime(records[s.DATE_OF_BIRTH], errors="coerce", format="mixed")
    postcode = text(s.POSTAL_CODE).str.replace(" ", "", regex=False).str.upper()
    return pd.DataFrame(
        {
            "unique_id": records[s.SOURCE_SYSTEM] + ":" + records[s.SOURCE_RECORD_ID],
            "first_name": first,
            "last_name": last,
            "email": text(s.EMAIL),
            "phone": phone.where(phone.str.len() >= 9, None),
            "dob": dob.dt.strftime("%Y-%m-%d").where(dob.notna(), None),
            "postcode": postcode,
            "city": text(s.CITY),
        }
    ).drop_duplicates("unique_id")


def read_landing(landing: Path) -> pd.DataFrame:
    """Every customer record of the four sources, lightly cleaned."""
    frames = [read_source(system, Path(landing) / system).records for system in s.SOURCE_SYSTEMS]
    return light_clean(pd.concat([f for f in frames if not f.empty], ignore_index=True))


def _second_em_session(training: Any, blocks: list[str]) -> None:
    """EM blocked on the first of ``blocks`` that trains; the next when one fails.

    A sparse column can leave a comparison level unobserved in its session (Splink raises
    rather than store an m of 0); the script's author would then block on something else.
    """
    failure: ValueError | None = None
    for column in blocks:
        try:
            training.estimate_parameters_using_expectation_maximisation(block_on(column))
            return
        except ValueError as error:
            logger.warning("plain Splink: EM blocked on %s failed (%s)", column, error)
            failure = error
    if failure is not None:
        raise failure


def run_plain_splink(frame: pd.DataFrame, db_api: Any, seed: int = 42) -> pd.DataFrame:
    """Train and cluster with the plain recipe.

    Args:
        frame: From ``read_landing``.
        db_api: A Splink backend from ``identity.engine.make_db_api``.
        seed: For u sampling.

    Returns:
        ``record_key`` and ``cluster_id`` for every record.
    """
    columns = filled_columns(frame)
    settings = settings_for(columns)
    linker = Linker(engine.register(db_api, frame, "plain_input"), settings, log_level=40)
    training = linker.training
    prior_rules: list[str | BlockingRuleCreator] = [
        rule for needs, rule in PRIOR_RULES if set(needs) <= columns
    ]
    if prior_rules:
        training.estimate_probability_two_random_records_match(prior_rules, recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    if {"first_name", "last_name"} <= columns:
        training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "last_name")
        )
    _second_em_session(training, [c for c in SECOND_EM_BLOCKS if c in columns])
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    out = engine.to_pandas(clusters)[["unique_id", "cluster_id"]]
    return out.rename(columns={"unique_id": s.RECORD_KEY}).astype(str)

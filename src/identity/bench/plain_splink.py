"""The baseline we compare against: the Splink script a data engineer writes in an afternoon.

Default comparisons from Splink's library, light cleaning (trim, lower-case, digits-only phones,
parsed dates), the tutorial's training recipe. It reads the same native files through our
readers, since parsing vendor quirks is not what is being compared.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

from identity import engine
from identity import schema as s
from identity.readers import read_source

logger = logging.getLogger(__name__)

SETTINGS = SettingsCreator(
    link_type="dedupe_only",
    comparisons=[
        cl.NameComparison("first_name"),
        cl.NameComparison("last_name"),
        cl.EmailComparison("email"),
        cl.ExactMatch("phone"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.PostcodeComparison("postcode"),
        cl.ExactMatch("city").configure(term_frequency_adjustments=True),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("first_name", "last_name"),
        block_on("email"),
        block_on("phone"),
        block_on("dob"),
        block_on("postcode"),
    ],
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


def run_plain_splink(frame: pd.DataFrame, db_api: Any, seed: int = 42) -> pd.DataFrame:
    """Train and cluster with the plain recipe.

    Args:
        frame: From ``read_landing``.
        db_api: A Splink backend from ``identity.engine.make_db_api``.
        seed: For u sampling.

    Returns:
        ``record_key`` and ``cluster_id`` for every record.
    """
    linker = Linker(engine.register(db_api, frame, "plain_input"), SETTINGS, log_level=40)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        ["l.email = r.email", "l.first_name = r.first_name and l.last_name = r.last_name"],
        recall=0.7,
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))
    training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    out = engine.to_pandas(clusters)[["unique_id", "cluster_id"]]
    return out.rename(columns={"unique_id": s.RECORD_KEY}).astype(str)

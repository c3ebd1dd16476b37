"""Accuracy of a clustering against the generator's truth: pairwise and B-cubed scores."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from identity import schema as s


@dataclass(frozen=True)
class Accuracy:
    """Scores of predicted customers against true people.

    Attributes:
        records: Records scored (present in both the prediction and the truth).
        precision: Share of predicted same-customer pairs that are truly the same person.
        recall: Share of true same-person pairs that were predicted.
        f1: Harmonic mean of the two.
        bcubed_precision: Mean over records of the share of its cluster that is its person.
        bcubed_recall: Mean over records of the share of its person found in its cluster.
        bcubed_f1: Harmonic mean of the two.
    """

    records: int
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    def as_dict(self) -> dict[str, float]:
        """The scores as a plain dict."""
        return asdict(self)


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: pd.DataFrame, truth: pd.DataFrame) -> Accuracy:
    """Score a clustering.

    Args:
        predicted: ``record_key`` and ``cluster_id`` (or ``customer_id``).
        truth: ``record_key`` and ``entity_id``.

    Returns:
        Pairwise and B-cubed precision, recall and F1 over the records present in both.
    """
    cluster_col = s.CLUSTER_ID if s.CLUSTER_ID in predicted.columns else s.CUSTOMER_ID
    both = predicted[[s.RECORD_KEY, cluster_col]].merge(
        truth[[s.RECORD_KEY, s.ENTITY_ID]], on=s.RECORD_KEY, how="inner"
    )
    both = both.rename(columns={cluster_col: "cluster"})
    cluster_sizes = both.groupby("cluster").size()
    entity_sizes = both.groupby(s.ENTITY_ID).size()
    overlap = both.groupby(["cluster", s.ENTITY_ID]).size()
    tp = _pairs(overlap)
    predicted_pairs = _pairs(cluster_sizes)
    true_pairs = _pairs(entity_sizes)
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0

    # B-cubed: per record, |cluster ∩ entity| / |cluster| and / |entity|.
    joined = both.join(overlap.rename("overlap"), on=["cluster", s.ENTITY_ID])
    joined = joined.join(cluster_sizes.rename("cluster_size"), on="cluster")
    joined = joined.join(entity_sizes.rename("entity_size"), on=s.ENTITY_ID)
    b_precision = float((joined["overlap"] / joined["cluster_size"]).mean()) if len(both) else 1.0
    b_recall = float((joined["overlap"] / joined["entity_size"]).mean()) if len(both) else 1.0
    return Accuracy(
        records=len(both),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
    )


def read_truth(path: Path) -> pd.DataFrame:
    """Read the generator's ``truth.csv`` and add the ``record_key``.

    Args:
        path: ``truth.csv`` with ``source_system``, ``source_record_id``, ``entity_id``.

    Returns:
        The truth with a ``record_key`` column.
    """
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    truth[s.RECORD_KEY] = s.record_key(truth[s.SOURCE_SYSTEM], truth[s.SOURCE_RECORD_ID])
    return truth

"""Choose the model for a batch from its profile: link type, comparisons, rules, training passes.

Nothing here is fixed to one shape of data. A comparison is used when the attributes it reads
are present; a blocking rule when all of its attributes are present and it stays within a
comparison budget (counted with Splink's blocking analysis on the batch); deterministic rules for
the prior come from the strong identifiers present; EM passes are chosen so that every comparison
is trained on enough pairs, and a comparison no pass can train keeps documented default m
probabilities (``model.DEFAULT_M``) rather than failing the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from identity.linkage import model as m
from identity.linkage.profile import DataProfile

# A prediction rule may add at most this many comparisons per record (with a floor so that small
# batches may compare everything): above it, a rule is swamped by one over-common value (every
# record born on 1900-01-01, ten thousand copies of one row) and would stall scoring.
MAX_COMPARISONS_PER_RECORD = 10
MIN_COMPARISON_BUDGET = 20_000

# An EM pass needs enough pairs to estimate its levels, and not so many that it is all noise.
MIN_EM_PAIRS = 30
MAX_EM_PAIRS = 20_000_000
# Each comparison should be trained by at least this many passes (two passes agree on m).
TRAINED_TIMES = 2

Counter = Callable[[list[m.Candidate]], list[int]]


@dataclass(frozen=True)
class ModelDesign:
    """The model chosen for one batch, saved with it and shown in the report.

    Attributes:
        link_type: ``dedupe_only`` for one source, ``link_and_dedupe`` for several.
        comparisons: Comparison names used, in model order.
        blocking_rules: Prediction blocking rules used.
        deterministic_rules: Rules used to estimate the prior.
        em_passes: EM training rules used, in training order.
        absent: Attributes too rare to use.
        untrained: Comparisons no EM pass could train (default m probabilities).
        notes: Each decision that left something out, in plain words.
        rule_comparisons: Comparisons each candidate prediction rule would add (marginal).
    """

    link_type: str
    comparisons: tuple[str, ...]
    blocking_rules: tuple[str, ...]
    deterministic_rules: tuple[str, ...]
    em_passes: tuple[str, ...]
    absent: tuple[str, ...] = ()
    untrained: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rule_comparisons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelDesign:
        """The inverse of ``to_dict``."""
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return cls(**values)

    def summary(self) -> str:
        """One line for people: what the model links on and what it could not use."""
        used = ", ".join(name.replace("_", " ") for name in self.comparisons) or "nothing"
        text = f"linked on {used}"
        if self.absent:
            missing = ", ".join(name.replace("_", " ") for name in self.absent)
            text += f"; {missing} absent"
        return text


def usable(candidate: m.Candidate, present: set[str]) -> bool:
    """Whether the attributes a candidate reads are present."""
    found = [need in present for need in candidate.needs]
    return any(found) if candidate.any_of else all(found)


def comparison_budget(records: int) -> int:
    """Most comparisons one prediction rule may add for a batch of this size."""
    return max(MIN_COMPARISON_BUDGET, MAX_COMPARISONS_PER_RECORD * records)


def choose_blocking(
    candidates: list[m.Candidate], counts: list[int], records: int
) -> tuple[list[str], list[str]]:
    """Keep the rules within budget.

    Args:
        candidates: Usable prediction rules, in catalog order.
        counts: Marginal comparisons each adds (Splink's blocking analysis, same order).
        records: Records in the batch.

    Returns:
        The kept rule names and a note for each rule dropped.
    """
    budget = comparison_budget(records)
    kept, notes = [], []
    for candidate, count in zip(candidates, counts, strict=True):
        if count > budget:
            notes.append(
                f"blocking rule {candidate.name} dropped: it would add {count:,} comparisons "
                f"(budget {budget:,} for {records:,} records)"
            )
        else:
            kept.append(candidate.name)
    return kept, notes


def choose_em_passes(
    comparisons: Iterable[str], candidates: list[m.Candidate], counts: list[int]
) -> tuple[list[str], list[str], list[str]]:
    """Pick EM passes so that every comparison is trained, where the data allows.

    Args:
        comparisons: Comparisons in the model.
        candidates: Usable EM rules: the primaries, then the fallbacks.
        counts: Pairs each rule yields on the training sample.

    Returns:
        Pass names, the comparisons no pass trains, and notes on passes left out.
    """
    wanted = list(comparisons)
    trained = dict.fromkeys(wanted, 0)
    primaries = {c.name for c in m.EM_CATALOG}
    chosen, notes = [], []
    for candidate, pairs in zip(candidates, counts, strict=True):
        trains = [name for name in wanted if not (m.COMPARISON_READS[name] & set(candidate.needs))]
        needed = any(trained[name] < TRAINED_TIMES for name in trains)
        if not trains or not (candidate.name in primaries or needed):
            continue
        if not MIN_EM_PAIRS <= pairs <= MAX_EM_PAIRS:
            notes.append(
                f"training pass on {candidate.name} skipped: {pairs:,} pairs "
                f"(needs {MIN_EM_PAIRS:,} to {MAX_EM_PAIRS:,})"
            )
            continue
        chosen.append(candidate.name)
        for name in trains:
            trained[name] += 1
    untrained = [name for name in wanted if trained[name] == 0]
    return chosen, untrained, notes


def deterministic(present: set[str]) -> list[str]:
    """Rules for the prior: the strong ones the data allows, else the first fallback that fits."""
    strong = [c.name for c in m.DETERMINISTIC_CATALOG if usable(c, present)]
    if strong:
        return strong
    return [c.name for c in m.DETERMINISTIC_FALLBACKS if usable(c, present)][:1]


def design(profile: DataProfile, count_rules: Counter, count_em: Counter) -> ModelDesign:
    """Choose the model for a batch.

    Args:
        profile: What the batch holds.
        count_rules: Marginal comparisons of prediction rules on the whole batch.
        count_em: Pairs of EM rules on the training sample.

    Returns:
        The design; ``untrained`` lists comparisons that keep default m probabilities.
    """
    present = set(profile.present_attributes)
    link_type = "dedupe_only" if len(profile.sources) <= 1 else "link_and_dedupe"
    comparisons = [c.name for c in m.COMPARISON_CATALOG if usable(c, present)]
    rules = [c for c in m.BLOCKING_CATALOG if usable(c, present)]
    rule_counts = count_rules(rules) if rules else []
    kept, notes = choose_blocking(rules, rule_counts, profile.records)
    em = [c for c in m.EM_CATALOG + m.EM_FALLBACKS if usable(c, present)]
    em_counts = count_em(em) if em else []
    passes, untrained, em_notes = choose_em_passes(comparisons, em, em_counts)
    notes += em_notes
    if not kept:
        notes.append("no blocking rule fits this data: no pairs are scored")
    for name in untrained:
        notes.append(f"comparison {name} could not be trained: default m probabilities used")
    return ModelDesign(
        link_type=link_type,
        comparisons=tuple(comparisons),
        blocking_rules=tuple(kept),
        deterministic_rules=tuple(deterministic(present)),
        em_passes=tuple(passes),
        absent=tuple(profile.absent_attributes),
        untrained=tuple(untrained),
        notes=tuple(notes),
        rule_comparisons={c.name: n for c, n in zip(rules, rule_counts, strict=True)},
    )

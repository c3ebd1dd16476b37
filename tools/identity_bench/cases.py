"""What the accuracy benchmark runs on: generated cases and the data sets of ``bench.public``.

A case is written into a landing folder with its ``truth.csv``; ``select_cases`` turns the
command line's ``--cases`` and ``--datasets`` into the list to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import identity_demo as demo
from identity_bench import public

# Several seeds at the default noise (the acceptance figure), then cleaner and messier data.
CASES: tuple[tuple[int, float], ...] = ((7, 1.0), (1, 1.0), (2, 1.0), (3, 1.0), (7, 0.5), (7, 2.0))
GENERATED = "generated"
# Generator variants start from the acceptance seed at the default noise.
VARIANT_SEED = 7


@dataclass(frozen=True)
class Case:
    """One data set both methods are scored on.

    Attributes:
        dataset: ``GENERATED`` or a key of ``identity_bench.public.DATASETS``.
        seed: Generator seed (None for the Febrl data sets).
        noise: Generator noise multiplier (None for the Febrl data sets).
    """

    dataset: str
    seed: int | None = None
    noise: float | None = None

    @property
    def label(self) -> str:
        """How progress lines name the case."""
        if self.dataset == GENERATED:
            return f"{GENERATED} seed {self.seed} noise {self.noise:g}"
        return self.dataset

    @property
    def folder(self) -> str:
        """Its landing folder's name under the work directory."""
        if self.dataset == GENERATED:
            return f"seed{self.seed}_noise{self.noise:g}"
        return self.dataset

    def write(self, landing: Path, people: int) -> Path:
        """Write the case's landing folder and return its ``truth.csv``."""
        if self.dataset == GENERATED:
            if self.seed is None or self.noise is None:
                raise ValueError(f"a generated case needs a seed and a noise level: {self}")
            demo.generate(people, landing, seed=self.seed, noise=self.noise)
            return landing / demo.TRUTH_FILE
        return public.DATASETS[self.dataset].write(landing, people, self.seed or 0)


def public_case(name: str) -> Case:
    """The case of a public or derived data set (variants at ``VARIANT_SEED``, noise 1)."""
    if public.DATASETS[name].generated:
        return Case(name, VARIANT_SEED, 1.0)
    return Case(name)


def _generated_cases(text: str) -> list[Case]:
    cases = []
    for item in text.split(","):
        if item.strip() and item.strip() != "none":
            seed, _, noise = item.strip().partition(":")
            cases.append(Case(GENERATED, int(seed), float(noise or 1.0)))
    return cases


def _public_cases(text: str) -> list[Case]:
    names = [item.strip() for item in text.split(",") if item.strip()]
    if names == ["all"]:
        names = list(public.DATASETS)
    unknown = [name for name in names if name not in public.DATASETS and name != "none"]
    if unknown:
        raise ValueError(
            f"unknown data set(s) {', '.join(unknown)}; known: {', '.join(public.DATASETS)}"
        )
    return [public_case(name) for name in names if name != "none"]


def select_cases(cases: str | None, datasets: str | None) -> list[Case]:
    """The cases to run: both lists by default; only the list(s) given otherwise.

    Args:
        cases: Comma-separated ``seed:noise`` generated cases, or ``none``.
        datasets: Comma-separated names of ``public.DATASETS``, ``all`` or ``none``.

    Returns:
        Generated cases first, then the data sets, in the order given.

    Raises:
        ValueError: An unknown data set name.
    """
    if cases is None and datasets is None:
        cases, datasets = ",".join(f"{seed}:{noise:g}" for seed, noise in CASES), "all"
    return _generated_cases(cases or "") + _public_cases(datasets or "")

"""Generate the synthetic cat/dog feature table shipped as ``data/catdog.csv``.

The table is made up: each animal is drawn from a breed-level normal model whose means and
spreads are written out below (and copied into ``data/CATDOG.md``). The breeds are chosen so
that cats and dogs overlap on every single measurement and on every pair of measurements:
small dogs weigh what cats weigh, flat-faced dogs (Pug, French Bulldog, Shih Tzu) have cat-like
snouts, flat-faced cats (Persian, Exotic Shorthair) have even shorter ones, tail-less cats
(Manx) and docked or curled dog tails blur the tail cue. What still tells the species apart is
a *combination* of shape ratios (snout to skull, tail to height, ear to skull, weight to
height), which a small neural network can learn and a straight line in two features cannot.

Run ``.venv/bin/python scripts/make_catdog.py`` from the repository root to rewrite the file;
the output is byte-for-byte deterministic for a given ``--seed``.

Not covered: real measurements, mixed breeds, age or sex effects, within-breed skew. This is
teaching data, not zoology.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The loader's column list is the one truth about the table's measurements and their order.
from playground.datasets import CATDOG_FEATURES as FEATURES  # noqa: E402

SEED = 20240611
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "catdog.csv"

# One shared "size" draw per animal moves all its measurements together with this correlation:
# a big Maine Coon is big all over, so ratios stay tighter than the raw spreads suggest.
SIZE_CORRELATION = 0.7

# Mass varies more than lengths within a breed (it grows roughly with length cubed), so its
# spread is this multiple of the breed's length coefficient of variation.
MASS_CV_FACTOR = 2.0


class Breed(NamedTuple):
    """Breed-level means (in FEATURES order), coefficient of variation and head count."""

    name: str
    species: str
    count: int
    cv: float  # sd / mean for the lengths; mass uses MASS_CV_FACTOR * cv
    means: tuple[float, float, float, float, float, float]


# fmt: off
#          name                         species count   cv   mass  height skull snout  ear  tail
BREEDS = (
    Breed("Domestic Shorthair",         "cat", 45, 0.08, (4.5, 25.0, 8.0, 2.4, 5.6, 28.0)),
    Breed("Maine Coon",                 "cat", 30, 0.07, (7.5, 30.0, 9.5, 2.9, 6.6, 34.0)),
    Breed("Norwegian Forest",           "cat", 20, 0.07, (6.5, 29.0, 9.0, 2.7, 6.1, 32.0)),
    Breed("Ragdoll",                    "cat", 25, 0.07, (6.5, 28.0, 9.0, 2.5, 5.6, 30.0)),
    Breed("Persian",                    "cat", 30, 0.07, (4.8, 25.0, 8.6, 1.0, 4.0, 22.0)),
    Breed("Exotic Shorthair",           "cat", 15, 0.07, (5.0, 25.0, 8.6, 1.1, 4.0, 21.0)),
    Breed("British Shorthair",          "cat", 25, 0.07, (5.5, 27.0, 9.2, 2.1, 4.8, 25.0)),
    Breed("Siamese",                    "cat", 25, 0.06, (4.0, 25.0, 7.0, 3.0, 7.0, 29.0)),
    Breed("Sphynx",                     "cat", 15, 0.06, (4.0, 24.0, 7.5, 2.4, 7.5, 27.0)),
    Breed("Bengal",                     "cat", 20, 0.07, (5.5, 28.0, 8.0, 2.7, 5.6, 30.0)),
    Breed("Scottish Fold",              "cat", 15, 0.07, (4.5, 24.0, 8.6, 2.1, 2.6, 24.0)),
    Breed("Manx",                       "cat", 20, 0.07, (4.8, 26.0, 8.2, 2.4, 5.6, 3.0)),
    Breed("Japanese Bobtail",           "cat", 15, 0.07, (3.8, 25.0, 7.6, 2.6, 6.0, 8.0)),
    Breed("Chihuahua",                  "dog", 35, 0.08, (2.3, 19.0, 6.0, 2.0, 6.5, 17.0)),
    Breed("Pomeranian",                 "dog", 30, 0.07, (2.5, 22.0, 6.5, 2.3, 4.5, 20.0)),
    Breed("Yorkshire Terrier",          "dog", 30, 0.07, (3.0, 21.0, 6.0, 2.8, 5.0, 18.0)),
    Breed("Pug",                        "dog", 30, 0.07, (7.5, 30.0, 10.0, 2.0, 4.5, 12.0)),
    Breed("French Bulldog",             "dog", 30, 0.07, (11.0, 30.0, 12.5, 2.5, 9.0, 4.0)),
    Breed("Shih Tzu",                   "dog", 25, 0.07, (6.0, 25.0, 9.0, 2.0, 7.0, 23.0)),
    Breed("Miniature Dachshund",        "dog", 20, 0.07, (5.0, 18.0, 7.5, 6.0, 9.0, 20.0)),
    Breed("Jack Russell Terrier",       "dog", 20, 0.07, (6.5, 30.0, 8.5, 5.5, 4.5, 20.0)),
    Breed("Cavalier King Charles",      "dog", 25, 0.07, (7.0, 31.0, 9.5, 4.0, 11.0, 25.0)),
    Breed("Beagle",                     "dog", 20, 0.07, (10.0, 37.0, 10.0, 7.5, 13.0, 28.0)),
    Breed("Pembroke Welsh Corgi",       "dog", 15, 0.07, (12.0, 27.0, 11.0, 7.0, 9.0, 5.0)),
    Breed("Border Collie",              "dog", 10, 0.07, (18.0, 51.0, 12.0, 9.0, 8.0, 35.0)),
    Breed("Labrador Retriever",         "dog", 10, 0.07, (32.0, 57.0, 14.0, 11.0, 12.0, 40.0)),
)
# fmt: on


def sample_breed(breed: Breed, rng: np.random.Generator) -> np.ndarray:
    """Draw ``breed.count`` animals, shape (count, len(FEATURES)), rounded to 0.1.

    Each feature is normal with the breed's mean and sd; a shared size draw correlates them.
    """
    means = np.asarray(breed.means)
    cvs = np.full(len(FEATURES), breed.cv)
    cvs[FEATURES.index("body_mass_kg")] *= MASS_CV_FACTOR
    shared = rng.standard_normal((breed.count, 1))
    own = rng.standard_normal((breed.count, len(FEATURES)))
    z = SIZE_CORRELATION * shared + np.sqrt(1.0 - SIZE_CORRELATION**2) * own
    values = means * (1.0 + cvs * z)
    # A measurement cannot be negative; 0.0 is a real value here (a tail-less Manx).
    return np.round(np.clip(values, 0.0, None), 1)


def make_table(seed: int = SEED) -> pd.DataFrame:
    """Build the whole table, rows shuffled so breeds are not in blocks."""
    rng = np.random.default_rng(seed)
    blocks = [sample_breed(breed, rng) for breed in BREEDS]
    names = [breed.name for breed in BREEDS for _ in range(breed.count)]
    species = [breed.species for breed in BREEDS for _ in range(breed.count)]
    table = pd.DataFrame(np.vstack(blocks), columns=list(FEATURES))
    table.insert(0, "species", species)
    table.insert(0, "name", names)
    order = rng.permutation(len(table))
    return table.iloc[order].reset_index(drop=True)


def write_table(table: pd.DataFrame, out: Path) -> None:
    """Write with a fixed float format and newline so the bytes do not depend on the platform."""
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, float_format="%.1f", lineterminator="\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry: ``make_catdog.py [--out PATH] [--seed N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args(argv)
    table = make_table(args.seed)
    write_table(table, args.out)
    counts = table["species"].value_counts().to_dict()
    print(f"wrote {len(table)} animals to {args.out} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

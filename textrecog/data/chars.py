"""Build writer-disjoint character image sets for training and evaluation.

UNIPEN isolated characters (sections 1a/1b/1c, optionally 1d punctuation)
are split **by contributing site**, so no writer is in two splits, then
rendered from strokes and passed through the same crop normalisation the
recognizer uses at run time.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from textrecog.data.render import Augment, render
from textrecog.data.unipen import InkSample, UnipenCorpus
from textrecog.imaging.normalize import InputSpec, normalize_crop

log = logging.getLogger(__name__)

# Sites held out of training: "art" and "gmd" for early stopping, "val"
# (a site name, not a split name) for the reported test figures.
DEFAULT_VAL_SITES = ("art", "gmd")
DEFAULT_TEST_SITES = ("val",)
FAITHFUL = Augment.none(pen=0.09)


@dataclass(frozen=True)
class CharData:
    """Normalised character images (uint8 N×S×S), class indices and sites."""

    images: np.ndarray
    labels: np.ndarray
    sites: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    @staticmethod
    def concat(parts: Sequence[CharData]) -> CharData:
        """Join several sets into one."""
        return CharData(np.concatenate([p.images for p in parts]),
                        np.concatenate([p.labels for p in parts]),
                        np.concatenate([p.sites for p in parts]))


def to_model_uint8(ink: np.ndarray, spec: InputSpec) -> np.ndarray:
    """Normalise one ink image and store it compactly as uint8 (0..255)."""
    return np.round(normalize_crop(ink, spec) / spec.scale).clip(0, 255).astype(np.uint8)


def _render_chunk(args: tuple) -> np.ndarray:
    strokes_list, spec, aug, seed = args
    rng = np.random.default_rng(seed) if seed is not None else None
    out = np.zeros((len(strokes_list), spec.size, spec.size), dtype=np.uint8)
    for i, strokes in enumerate(strokes_list):
        out[i] = to_model_uint8(render(strokes, 64.0, aug, rng), spec)
    return out


def render_samples(samples: Sequence[InkSample], spec: InputSpec, aug: Augment, seed: int | None,
                   jobs: int = 2, chunk: int = 2000) -> np.ndarray:
    """Render and normalise many samples in parallel; ``seed=None`` renders faithfully."""
    tasks = [([s.strokes for s in samples[i : i + chunk]], spec, aug,
              None if seed is None else seed * 100_003 + i)
             for i in range(0, len(samples), chunk)]
    if not tasks:
        return np.zeros((0, spec.size, spec.size), dtype=np.uint8)
    if jobs <= 1:
        return np.concatenate([_render_chunk(t) for t in tasks])
    with ProcessPoolExecutor(jobs) as pool:
        return np.concatenate(list(pool.map(_render_chunk, tasks)))


def load_char_samples(corpus: UnipenCorpus, classes: str, sections: Sequence[str]) -> list[InkSample]:
    """All CHARACTER samples of ``sections`` whose label is in ``classes``."""
    keep = set(classes)
    samples = [s for s in corpus.iter_samples(sections, kinds={"CHARACTER"}) if s.label in keep]
    log.info("UNIPEN %s: %d samples in %d classes", "+".join(sections), len(samples),
             len({s.label for s in samples}))
    return samples


def split_by_site(samples: Sequence[InkSample], val_sites: Sequence[str],
                  test_sites: Sequence[str]) -> dict[str, list[InkSample]]:
    """Writer-disjoint split: whole sites go to val or test, the rest to train."""
    overlap = set(val_sites) & set(test_sites)
    if overlap:
        raise ValueError(f"sites in both val and test: {sorted(overlap)}")
    out: dict[str, list[InkSample]] = {"train": [], "val": [], "test": []}
    for s in samples:
        key = "val" if s.site in val_sites else "test" if s.site in test_sites else "train"
        out[key].append(s)
    return out


def build_split(samples: Sequence[InkSample], classes: str, spec: InputSpec, aug: Augment,
                seed: int | None, jobs: int = 2) -> CharData:
    """Render one split into a CharData set."""
    index = {c: i for i, c in enumerate(classes)}
    images = render_samples(samples, spec, aug, seed, jobs)
    labels = np.array([index[s.label] for s in samples], dtype=np.int32)
    sites = np.array([s.site for s in samples])
    return CharData(images, labels, sites)


def class_counts(data: CharData, classes: str) -> dict[str, int]:
    """Number of samples per class character."""
    counts = Counter(int(v) for v in data.labels)
    return {c: counts.get(i, 0) for i, c in enumerate(classes)}

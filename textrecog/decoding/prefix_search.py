"""CTC prefix beam search with shallow fusion of the character language model, many lines at once.

Each prefix keeps the probability of its frames ending in a blank (``pb``)
and in its last character (``pnb``), and the language-model score of its
text (n-gram, case, digits, word bonuses: :class:`textrecog.decoding.lm_scorer.LMScorer`).
A prefix is ranked by log(pb + pnb) + its LM score. Frames where the blank
holds nearly all the mass are passed over, only the few labels above
``prune`` are tried in a frame, and the beam is capped. With a beam of 1 and
no LM the result is the best path.

The lines of a batch are searched together: the k-th frame still read of
every line is one step of array operations over lines x beams x candidates.
Prefixes are nodes of a trie (a prefix's LM row and word bonus are looked up
once, when it first survives), the frames each character was emitted at are
a linked list. The result is the one the one-line search
(:func:`textrecog.decoding.beam.prefix_beam_search`) gives, to the last bit
of every score (tests/decoding/test_prefix_search.py compares them): the same
prefixes merge, ties go to the prefix found first, and a merged prefix keeps
the frames of whichever of its two paths that search met first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textrecog.decoding.beam import BeamConfig, Hypothesis, candidates, ended, prefix_beam_search
from textrecog.decoding.lm_scorer import LMScorer

GROUP = 64  # lines a step works on at most (sorted by length, so little padding)
# fewer lines than this are read one by one: a step's ~80 array operations cost more than the plain loop
# for a few lines (measured: 12 lines break even; 64 lines 2.5x faster than one by one)
SMALL = 12
_EMPTY = {"last": -1, "node": 0, "parent": -2, "frame": -1}  # an unused beam slot (0 elsewhere)


def prefix_beam_search_many(lines: Sequence[np.ndarray], labels: tuple[str, ...], scorer: LMScorer | None = None,
                            config: BeamConfig = BeamConfig(), allowed: np.ndarray | None = None,
                            prefixes: Prefixes | None = None) -> list[list[Hypothesis]]:
    """:func:`prefix_beam_search` of every line, searched together; results in the lines' order.

    ``prefixes`` (made for these labels and scorer) carries the prefixes met over to the next call."""
    if prefixes is None or prefixes.scorer is not scorer or prefixes.labels != labels:
        prefixes = Prefixes(labels, scorer)
    prefixes.trim()
    if len(lines) < SMALL:
        return [prefix_beam_search(p, labels, scorer, config, allowed) for p in lines]
    frames = [_active(np.asarray(p, np.float64), allowed, len(labels), config) for p in lines]
    out: list[list[Hypothesis]] = [[] for _ in lines]
    order = sorted(range(len(lines)), key=lambda i: -len(frames[i][2]))
    for start in range(0, len(order), GROUP):
        group = order[start:start + GROUP]
        if len(group) < SMALL:
            for i in group:
                out[i] = prefix_beam_search(lines[i], labels, scorer, config, allowed)
            continue
        for i, hyps in zip(group, _Search(prefixes, config).run([frames[i] for i in group])):
            out[i] = hyps
    return out


def _active(probs: np.ndarray, allowed: np.ndarray | None, blank: int,
            config: BeamConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """A line's frames worth reading: (probabilities, candidates (-1 pads), frame numbers, whether frames
    were passed over just before, whether the line ends on passed-over frames)."""
    if allowed is not None:
        probs = probs * np.append(allowed, True)
    active = probs[:, blank] < config.blank_skip
    t = np.flatnonzero(active)
    gap = (t > 0) & ~active[np.maximum(t - 1, 0)]
    rows = probs[t]
    return rows, candidates(rows, blank, config), t, gap, bool(len(probs) and not active[-1])


class Prefixes:
    """The trie of prefixes a decoder's searches have met, kept between calls: a prefix's text, LM row and
    word bonus are worked out once (lines repeat words, the beam re-grows the same prefixes)."""

    LIMIT = 200_000  # prefixes kept; then the trie starts again

    def __init__(self, labels: tuple[str, ...], scorer: LMScorer | None):
        self.labels, self.scorer = labels, scorer
        self._reset()

    def _reset(self) -> None:
        self.text, self.child = [""], {}
        self.row = np.zeros(1024, int)
        self.bonus = np.zeros(1024)
        if self.scorer is not None:
            self.row[0], self.bonus[0] = self.scorer.row(""), self.scorer.word_bonus("")

    def trim(self) -> None:
        """Start again when the trie is large or the scorer forgot its rows (between searches only)."""
        forgot = self.scorer is not None and self.scorer.trim()
        if forgot or len(self.text) > self.LIMIT:
            self._reset()

    def grow(self, parents: list[int], chars: list[int]) -> np.ndarray:
        """The nodes of prefixes ``parents[i]`` + ``chars[i]``, made where new (their LM rows together)."""
        child, made = self.child, []
        ids = [child.get(key) for key in zip(parents, chars)]
        for i, (parent, ch) in enumerate(zip(parents, chars)):
            if ids[i] is None:
                ids[i] = child.get((parent, ch))  # made a moment ago for an earlier line
                if ids[i] is None:
                    ids[i] = self._make(parent, ch)
                    made.append(ids[i])
        if made and self.scorer is not None:
            self.row[made] = self.scorer.rows([self.text[node] for node in made])
            self.bonus[made] = [self.scorer.word_bonus(self.text[node].rsplit(" ", 1)[-1]) for node in made]
        return np.array(ids, int)

    def _make(self, parent: int, ch: int) -> int:
        node = self.child[(parent, ch)] = len(self.text)
        self.text.append(self.text[parent] + self.labels[ch])
        if node == len(self.row):  # grown by doubling
            self.row, self.bonus = np.resize(self.row, 2 * node), np.resize(self.bonus, 2 * node)
        return node


class _Search:
    """One group of lines: beams as arrays [line, slot], prefixes as trie nodes, frames as linked lists."""

    def __init__(self, prefixes: Prefixes, config: BeamConfig):
        self.prefixes, self.scorer, self.width = prefixes, prefixes.scorer, config.width
        labels = prefixes.labels
        self.blank, self.space = len(labels), labels.index(" ") if " " in labels else -3  # never a label nor -1
        self.fprev, self.ft = [np.full(1, -1)], [np.zeros(1, int)]  # frame lists: (previous, frame) per entry
        self.nframes = 0

    def run(self, lines: list[tuple]) -> list[list[Hypothesis]]:
        """Search lines sorted longest first; hypotheses per line."""
        n_lines, w = len(lines), self.width
        steps = max((len(f[2]) for f in lines), default=0)
        cands = max((f[1].shape[1] for f in lines if len(f[2])), default=1)
        probs = np.zeros((n_lines, steps, self.blank + 1))
        cand = np.full((n_lines, steps, cands), -1)
        t, gap = np.zeros((n_lines, steps), int), np.zeros((n_lines, steps), bool)
        for i, (rows, c, tt, g, _) in enumerate(lines):
            probs[i, :len(tt)], cand[i, :len(tt), :c.shape[1]], t[i, :len(tt)], gap[i, :len(tt)] = rows, c, tt, g
        lengths = np.array([len(f[2]) for f in lines])
        tried = (cand >= 0).sum(axis=2).max(axis=0) if steps else []  # candidates in each step, at most
        s = {"pb": np.zeros((n_lines, w)), "pnb": np.zeros((n_lines, w)), "lm": np.zeros((n_lines, w)),
             **{key: np.full((n_lines, w), v) for key, v in _EMPTY.items()}, "n": np.ones(n_lines, int)}
        s["pb"][:, 0], s["node"][:, 0], s["parent"][:, 0] = 1.0, 0, -1
        for k in range(steps):
            nk = int((lengths > k).sum())
            nc = max(1, int(tried[k]))
            self._step({key: v[:nk] for key, v in s.items()}, probs[:nk, k], cand[:nk, k, :nc], t[:nk, k], gap[:nk, k])
        ends = np.array([f[4] for f in lines], bool)
        s["pb"][ends] += s["pnb"][ends]
        s["pnb"][ends] = 0.0
        fprev, ft = np.concatenate(self.fprev).tolist(), np.concatenate(self.ft).tolist()
        return [self._finish(s, i, fprev, ft) for i in range(n_lines)]

    def _step(self, s: dict, p: np.ndarray, c: np.ndarray, t: np.ndarray, gap: np.ndarray) -> None:
        """One frame of each line: every prefix stays (blank, or its last character again) or grows by a
        candidate; the ``width`` best survive (in place on the views of ``s``)."""
        w, nc = self.width, c.shape[1]
        lines = np.arange(len(p))[:, None]
        valid = np.arange(w) < s["n"][:, None]
        if gap.any():
            s["pb"][gap] += s["pnb"][gap]  # the frames passed over were blanks
            s["pnb"][gap] = 0.0
        pb, pnb, lm, last, node = s["pb"], s["pnb"], s["lm"], s["last"], s["node"]
        total = pb + pnb
        stay_pb = total * p[:, -1:]
        stay_pnb = np.where(last >= 0, pnb * p[lines, np.maximum(last, 0)], 0.0)
        cc = np.maximum(c, 0)
        pc = p[lines, cc]
        space = c == self.space
        grows = valid[:, :, None] & (c >= 0)[:, None, :]
        grows &= ~(space[:, None, :] & ((last < 0) | (last == self.space))[:, :, None])  # no lead/double space
        mass = np.where(c[:, None, :] == last[:, :, None], pb[:, :, None], total[:, :, None]) * pc[:, None, :]
        grown_lm = lm[:, :, None]
        if self.scorer is not None:
            grown_lm = grown_lm + self.scorer.table[self.prefixes.row[node][:, :, None], cc[:, None, :]]
            grown_lm = np.where(space[:, None, :], grown_lm + self.prefixes.bonus[node][:, :, None], grown_lm)
        grown_lm = np.broadcast_to(grown_lm, mass.shape)
        # a grown prefix that is already in the beam merges into it: beam k's parent is beam j, its last letter c
        up = (node[:, None, :] == s["parent"][:, :, None]) & valid[:, None, :]  # [line, k, j]
        via = c[:, None, :] == last[:, :, None]  # [line, k, m]
        li, kk = np.nonzero(up.any(axis=2) & via.any(axis=2) & valid)
        jj, mm = up[li, kk].argmax(axis=1), via[li, kk].argmax(axis=1)
        ok = grows[li, jj, mm]
        li, kk, jj, mm = li[ok], kk[ok], jj[ok], mm[ok]
        stay_pnb[li, kk] = stay_pnb[li, kk] + mass[li, jj, mm]
        grows[li, jj, mm] = False
        keys = np.arange(w) * (nc + 1)
        stay_key = np.broadcast_to(keys, valid.shape).copy()
        first = jj < kk  # met as the parent's growth before as a prefix staying: its frames and place
        stay_key[li[first], kk[first]] = keys[jj[first]] + 1 + mm[first]
        frame = s["frame"].copy()
        frame[li[first], kk[first]] = self._frames(s["frame"][li[first], jj[first]], t[li[first]])
        self._survive(s, (stay_pb, stay_pnb, stay_key, frame, valid), (mass, grown_lm, grows, c), t)

    def _survive(self, s: dict, stays: tuple, grown: tuple, t: np.ndarray) -> None:
        """Rank stays and growths as the plain search's dict and heap would; keep the best, normalised."""
        stay_pb, stay_pnb, stay_key, frame, valid = stays
        mass, grown_lm, grows, c = grown
        n, w, nc = len(valid), self.width, c.shape[1]
        ent_mass = np.concatenate([stay_pb + stay_pnb, mass.reshape(n, -1)], axis=1)
        ent_lm = np.concatenate([s["lm"], grown_lm.reshape(n, -1)], axis=1)
        grown_key = (np.arange(w)[:, None] * (nc + 1) + 1 + np.arange(nc)).reshape(1, -1)
        ent_key = np.concatenate([stay_key, np.broadcast_to(grown_key, (n, w * nc))], axis=1)
        ent_ok = np.concatenate([valid, grows.reshape(n, -1)], axis=1)
        with np.errstate(divide="ignore"):
            score = np.log(ent_mass) + ent_lm
        count = ent_ok.sum(axis=1)
        # beyond the width: by score, else as found; ties as found (a stable heap and an ordered dict)
        rank = np.where(ent_ok, np.where((count > w)[:, None], -score, 0.0), np.nan)  # NaN: after any score
        pick = np.lexsort((ent_key, rank), axis=-1)[:, :w]
        kept = np.arange(w) < np.minimum(count, w)[:, None]
        lines = np.arange(n)[:, None]
        top = np.where(kept, ent_mass[lines, pick], 0.0).max(axis=1)
        top[top == 0] = 1.0
        is_stay = pick < w
        slot = np.where(is_stay, pick, (pick - w) // nc)  # the beam it stays as, or grew from
        m = np.where(is_stay, 0, (pick - w) % nc)
        new = {"pb": np.where(is_stay, stay_pb[lines, slot], 0.0) / top[:, None],
               "pnb": np.where(is_stay, stay_pnb[lines, slot], mass[lines, slot, m]) / top[:, None],
               "lm": ent_lm[lines, pick], "last": np.where(is_stay, s["last"][lines, slot], c[lines, m]),
               "parent": np.where(is_stay, s["parent"][lines, slot], s["node"][lines, slot]),
               "node": s["node"][lines, slot],
               "frame": np.where(is_stay, frame[lines, slot], s["frame"][lines, slot])}
        gl, gs = np.nonzero(~is_stay & kept)
        new["frame"][gl, gs] = self._frames(new["frame"][gl, gs], t[gl])
        new["node"][gl, gs] = self.prefixes.grow(new["parent"][gl, gs].tolist(), new["last"][gl, gs].tolist())
        for key, v in new.items():
            s[key][:] = np.where(kept, v, _EMPTY.get(key, 0))
        s["n"][:] = np.minimum(count, w)

    def _frames(self, prev: np.ndarray, t: np.ndarray) -> np.ndarray:
        """New frame-list entries: frame ``t`` after the lists ``prev``; their ids."""
        ids = np.arange(self.nframes + 1, self.nframes + 1 + len(prev))
        self.fprev.append(np.asarray(prev))
        self.ft.append(np.asarray(t))
        self.nframes += len(prev)
        return ids

    def _finish(self, s: dict, i: int, fprev: list[int], ft: list[int]) -> list[Hypothesis]:
        """A line's hypotheses, best first: the one-line search's ending."""
        return ended(((self.prefixes.text[int(s["node"][i, k])], float(s["pb"][i, k]) + float(s["pnb"][i, k]),
                       float(s["lm"][i, k]), _frames_of(int(s["frame"][i, k]), fprev, ft))
                      for k in range(int(s["n"][i]))), self.scorer, self.width)


def _frames_of(f: int, fprev: list[int], ft: list[int]) -> tuple[int, ...]:
    """The frames of a frame list, first to last."""
    frames = []
    while f > 0:
        frames.append(ft[f])
        f = fprev[f]
    return tuple(frames[::-1])

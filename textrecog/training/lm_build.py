"""`textrecog lm build`: build the character language model and lexicon from text we may use.

Sources: English word frequencies from ``wordfreq`` (data CC BY-SA 4.0),
each word weighted by its frequency raised to ``--power`` (1 = running
text, lower = more weight on the rare words isolated-word forms are full
of), plus the labels of UNIPEN words and texts (CC BY 4.0) from the
training sites only: the validation and test sites of every bundled model
are left out, so no held-out text reaches the language model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shlex
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from textrecog.decoding.lm import LM_FORMAT, context_key, fold, load_lm, sha256

log = logging.getLogger("textrecog.decoding.lm")
# every site a bundled model validates or tests on (line model: art,gmd,ape | val,att,scr,nic,par,dar,hpb)
HELD_OUT_SITES = ("art", "gmd", "ape", "val", "att", "scr", "nic", "par", "dar", "hpb")
SMOOTHING_NAMES = {"witten-bell": "Witten-Bell", "kneser-ney": "Kneser-Ney"}
ALPHABET_EXTRA = " .,'\"-!?:;()/&+=%#*@$°"  # folded letters and 0 come from the text; these are kept too
LANGUAGES = {"en": "English", "fr": "French"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="textrecog lm build", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=Path, help="language model directory to write")
    p.add_argument("--overwrite", action="store_true", help="replace a language model already in --out")
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"),
                   help="UNIPEN folder or .tar.xz for in-domain labels (env TEXTRECOG_UNIPEN; optional)")
    p.add_argument("--exclude-sites", default=",".join(HELD_OUT_SITES),
                   help="UNIPEN sites whose labels are never used (held-out writers)")
    p.add_argument("--lang", choices=sorted(LANGUAGES), default="en", help="the language of the wordfreq list")
    p.add_argument("--gt", nargs="+", action="extend", metavar="PATH",
                   help="transcriptions of real pages (ALTO, PAGE-XML, .gt.txt): only the training side of the "
                        "writer split line training uses (--split-by, --val-share, --test-share) is counted")
    p.add_argument("--gt-train", nargs="+", action="extend", metavar="PATH",
                   help="transcriptions counted whole (the sets line training uses for training only)")
    p.add_argument("--split-by", default="page", help="writer groups, as in textrecog train --kind line")
    p.add_argument("--val-share", type=float, default=0.1)
    p.add_argument("--test-share", type=float, default=0.1)
    p.add_argument("--gt-weight", type=float, default=3.0, help="weight of each transcribed line")
    p.add_argument("--order", type=int, default=6, help="n-gram order in characters (context = order-1)")
    p.add_argument("--words", type=int, default=100_000, help="most frequent wordfreq words to use")
    p.add_argument("--lexicon", type=int, default=50_000, help="most frequent words kept in words.txt")
    p.add_argument("--power", type=float, default=1.0,
                   help="word weight = frequency ** power (1: as in running text; chosen on validation sites)")
    p.add_argument("--tokens", type=float, default=2e6, help="total weight of the wordfreq words")
    p.add_argument("--unipen-weight", type=float, default=3.0, help="weight of each UNIPEN label")
    p.add_argument("--numbers", type=float, default=0.02,
                   help="share of --tokens given to digit strings of 1-16 digits (word lists hold few long "
                        "numbers, yet forms are full of them)")
    p.add_argument("--smoothing", choices=sorted(SMOOTHING_NAMES), default="witten-bell")
    p.add_argument("--min-count", type=float, default=3.0, help="drop contexts seen less (weighted)")
    return p.parse_args(argv)


def lm_alphabet() -> str:
    """The symbols every language model knows: folded letters (French ones too), 0, the space and marks."""
    from textrecog.decoding.charset import FRENCH_LOWER

    return "".join(sorted(set("abcdefghijklmnopqrstuvwxyz0") | set(ALPHABET_EXTRA) | set(FRENCH_LOWER)))


def wordfreq_texts(n: int, power: float, tokens: float, lang: str = "en") -> list[tuple[str, float]]:
    """The n most frequent words of ``lang`` (English: plain ASCII) with weights summing to ``tokens``."""
    try:
        from wordfreq import top_n_list, word_frequency
    except ImportError:
        raise SystemExit("textrecog lm build: needs wordfreq (pip install 'textrecog[train]')") from None
    known = set(lm_alphabet())
    fits = (lambda w: w.isascii()) if lang == "en" else (lambda w: set(fold(w)) <= known)  # noqa: E731
    words = [w for w in top_n_list(lang, n) if w.isprintable() and " " not in w and fits(w)]
    freqs = np.array([word_frequency(w, lang) for w in words]) ** power
    return list(zip(words, (freqs / freqs.sum() * tokens).tolist()))


def unipen_texts(path: str, exclude: set[str], weight: float) -> tuple[list[tuple[str, float]], list[str]]:
    """Labels of UNIPEN words and texts (sections 7, 8) from the sites not excluded, and those sites."""
    from textrecog.data.texts import clean_label
    from textrecog.data.unipen import UnipenCorpus

    corpus = UnipenCorpus(path)
    rows = [(site, clean_label(label)) for site, label in corpus.iter_labels(["7", "8"], {"WORD", "TEXT"})
            if site not in exclude and label.strip()]
    log.info("UNIPEN: %d labels from training sites", len(rows))
    return [(text, weight) for _, text in rows], sorted({site for site, _ in rows})


def gt_texts(args: argparse.Namespace, side: str = "train") -> tuple[list[tuple[str, float]], list[str]]:
    """Transcribed lines of one side of the writer split (training: --gt-train too), and their sets."""
    from textrecog.data.gtlines import read_ground_truth
    from textrecog.data.gtsplit import group_of, side_of
    from textrecog.data.transcripts import judge_line
    from textrecog.decoding.charset import LINE_ALPHABET

    rows, sets = [], set()
    for paths, split in ((args.gt or [], True), (args.gt_train or [] if side == "train" else [], False)):
        read = read_ground_truth(paths)
        for e in read.errors:
            log.warning("%s", e)
        for page in read.pages:
            if split and side_of(group_of(page.source, args.split_by), args.val_share, args.test_share) != side:
                continue  # validation and test writers' texts never reach the language model
            sets.add(page.source.parent.name)
            rows += [(v.text, args.gt_weight) for line in page.lines
                     if (v := judge_line(line, LINE_ALPHABET)).text is not None]
    log.info("transcriptions: %d %s lines from %s", len(rows), side, ", ".join(sorted(sets)))
    if side == "train" and not rows:
        raise ValueError("--gt: no transcribed lines of training writers were read")
    return rows, sorted(sets)


def count(texts: Iterable[tuple[str, float]], order: int, alphabet: set[str]) -> list[dict]:
    """Weighted n-gram counts: counts[k][context of length k][next symbol]."""
    counts: list[dict] = [defaultdict(lambda: defaultdict(float)) for _ in range(order)]
    for text, w in texts:
        s = " " + fold(text) + " "
        if not set(s) <= alphabet:
            continue
        for i in range(1, len(s)):
            for k in range(min(order - 1, i) + 1):
                counts[k][s[i - k : i]][s[i]] += w
    return counts


def witten_bell(counts: list[dict], alphabet: str, min_count: float) -> tuple[np.ndarray, list[dict]]:
    """Interpolated Witten-Bell: the unigram vector and, per kept context, (log γ, {symbol: log P}).

    P(s|h) = (c(hs) + T(h)·P(s|h')) / (c(h) + T(h)) with T(h) the number of
    symbols seen after h; a symbol never seen after h gets γ(h)·P(s|h'),
    γ(h) = T(h) / (c(h) + T(h)). Contexts seen less than ``min_count`` are
    dropped (their suffixes are seen at least as often, so they stay).
    """
    def estimate(nxt: dict, lower) -> tuple[dict, float]:
        total, types = sum(nxt.values()), len(nxt)
        return {s: (c + types * lower(s)) / (total + types) for s, c in nxt.items()}, types / (total + types)

    levels = [[(h, nxt, sum(nxt.values())) for h, nxt in counts[k].items()] for k in range(1, len(counts))]
    return _backoff_model(alphabet, counts[0][""], 1.0, levels, estimate, min_count)  # add-one unigram


def kneser_ney(counts: list[dict], alphabet: str, min_count: float, discount: float = 0.75
               ) -> tuple[np.ndarray, list[dict]]:
    """Interpolated Kneser-Ney in the same backoff form as :func:`witten_bell`.

    The highest order uses the (weighted) counts; every lower order the number
    of distinct symbols seen before the n-gram (its continuation count), so a
    symbol that follows few contexts gets little mass where it is unseen.
    """
    order = len(counts)
    cont: list[dict] = [{} for _ in range(order)]
    for k in range(1, order):
        for h, nxt in counts[k].items():
            for sym in nxt:
                cont[k - 1].setdefault(h[1:], {}).setdefault(sym, 0.0)
                cont[k - 1][h[1:]][sym] += 1.0

    def estimate(nxt: dict, lower) -> tuple[dict, float] | None:
        total = sum(nxt.values())
        if total <= 0:
            return None
        g = min(1.0, discount * len(nxt) / total)
        return {s: max(c - discount, 0.0) / total + g * lower(s) for s, c in nxt.items()}, g

    levels = [[(h, nxt, sum(counts[k].get(h, {}).values()))
               for h, nxt in (counts[k] if k == order - 1 else cont[k]).items()] for k in range(1, order)]
    return _backoff_model(alphabet, cont[0].get("", {}), 0.5, levels, estimate, min_count)


def _backoff_model(alphabet: str, unigram_counts: dict, prior: float, levels: list[list[tuple]], estimate,
                   min_count: float) -> tuple[np.ndarray, list[dict]]:
    """The shared skeleton of both smoothings: a unigram with a prior count for every symbol, then per
    context length the kept contexts' distributions, each interpolated with the shorter context's."""
    index = {c: i for i, c in enumerate(alphabet)}
    uni = np.full(len(alphabet), prior)
    for sym, c in unigram_counts.items():
        uni[index[sym]] += c
    uni /= uni.sum()
    full: dict[str, dict[str, float]] = {"": {a: float(uni[i]) for i, a in enumerate(alphabet)}}
    gamma: dict[str, float] = {"": 1.0}
    tables: list[dict] = []
    for level in levels:
        kept = {}
        for h, nxt, raw in level:
            if raw < min_count or h[1:] not in full:
                continue
            found = estimate(nxt, lambda s, h=h: _prob(full, gamma, h[1:], s))
            if found is not None:
                kept[h] = found
        for h, (dist, g) in kept.items():
            full[h], gamma[h] = dist, g
        tables.append({h: (float(np.log(max(g, 1e-12))), {s: float(np.log(p)) for s, p in dist.items()})
                       for h, (dist, g) in kept.items()})
    return np.log(uni).astype(np.float32), tables


def _prob(full: dict, gamma: dict, h: str, s: str) -> float:
    """P(s | h) in backoff form: seen after h, or γ(h) times the shorter context's."""
    mult = 1.0
    while s not in full[h]:
        mult *= gamma[h]
        h = h[1:]
    return mult * full[h][s]


def to_arrays(unigram: np.ndarray, tables: list[dict], alphabet: str) -> dict[str, np.ndarray]:
    """The npz payload: unigram and per-order CSR tables keyed by integer contexts."""
    index, base = {c: i for i, c in enumerate(alphabet)}, len(alphabet) + 1
    out = {"alphabet": np.array([ord(c) for c in alphabet], np.int32), "order": np.array(len(tables) + 1),
           "unigram": unigram.astype(np.float32)}
    for k, table in enumerate(tables, 1):
        rows = sorted((context_key([index[c] for c in h], base), g, nxt) for h, (g, nxt) in table.items())
        ptr, syms, logp = [0], [], []
        for _, _, nxt in rows:
            for s, lp in sorted(nxt.items()):
                syms.append(index[s])
                logp.append(lp)
            ptr.append(len(syms))
        out[f"keys{k}"] = np.array([r[0] for r in rows], np.int64)
        out[f"backoff{k}"] = np.array([r[1] for r in rows], np.float32)
        out[f"ptr{k}"] = np.array(ptr, np.int32)
        out[f"symbols{k}"] = np.array(syms, np.uint8)
        out[f"logp{k}"] = np.array(logp, np.float16)
    return out


def bits_per_char(lm, texts: Iterable[str]) -> float:
    """Cross-entropy of folded texts under a loaded model, in bits per symbol (the end space included)."""
    total, n = 0.0, 0
    for text in texts:
        s = " " + fold(text) + " "
        if lm.ids(s) is None:
            continue
        for i in range(1, len(s)):
            total -= float(lm.logprobs(s[max(0, i - lm.order + 1) : i])[lm.index[s[i]]])
            n += 1
    return total / max(1, n) / np.log(2)


def build(args: argparse.Namespace) -> dict:
    """Gather the texts and write the language model directory; returns its manifest."""
    texts = wordfreq_texts(args.words, args.power, args.tokens, args.lang)
    lexicon = [fold(w) for w, _ in texts[: args.lexicon]]
    texts += [("0" * n, args.numbers * args.tokens / 16) for n in range(1, 17)]
    excluded = {s for s in args.exclude_sites.split(",") if s}
    case, labels, sites, gt_sets = {}, [], [], []
    if args.unipen:
        labels, sites = unipen_texts(args.unipen, excluded, args.unipen_weight)
    if args.gt or args.gt_train:
        lines, gt_sets = gt_texts(args)
        labels += lines
    if labels:
        texts += labels
        lexicon += sorted({fold(w).strip(ALPHABET_EXTRA) for t, _ in labels for w in t.split()} - {""})
        case = case_model(t for t, _ in labels)
    manifest = _manifest(args, excluded, sites, gt_sets)
    return write_lm(args.out, texts, lexicon, args.order, args.min_count,
                    manifest | ({"case": case} if case else {}), args.smoothing)


def write_lm(out: Path, texts: list[tuple[str, float]], lexicon: Iterable[str], order: int, min_count: float,
             manifest: dict, smoothing: str = "witten-bell") -> dict:
    """Count, smooth and write ``lm.npz``, ``words.txt`` and ``manifest.json`` (checksums included)."""
    alphabet = lm_alphabet()
    smooth = kneser_ney if smoothing == "kneser-ney" else witten_bell
    unigram, tables = smooth(count(texts, order, set(alphabet)), alphabet, min_count)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "lm.npz", **to_arrays(unigram, tables, alphabet))
    words = sorted(set(lexicon) - {""})
    (out / "words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    manifest = {"format": LM_FORMAT, "name": out.name, **manifest, "order": order, "alphabet": alphabet,
                "contexts": [len(t) for t in tables], "lexicon_words": len(words),
                "sha256": {name: sha256(out / name) for name in ("lm.npz", "words.txt")}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def case_model(texts: Iterable[str]) -> dict[str, float]:
    """P(upper case | the case class of the text before) for letters, counted on real labels (add-one)."""
    from textrecog.decoding.lm_scorer import case_class

    upper: dict[str, list[int]] = {k: [1, 2] for k in ("start", "upper", "caps", "lower", "other")}
    for text in texts:
        for i, c in enumerate(text):
            if c.isalpha():
                cls = case_class(text[max(0, i - 2):i])
                upper[cls][0] += c.isupper()
                upper[cls][1] += 1
    return {k: round(u / n, 4) for k, (u, n) in upper.items()}


def _manifest(args: argparse.Namespace, excluded: set, sites: list[str], gt_sets: list[str]) -> dict:
    sources = [{"name": f"wordfreq {LANGUAGES[args.lang]} word frequencies, the {args.words:,} most frequent words "
                        f"(weight = frequency ** {args.power})",
                "licence": "CC BY-SA 4.0 (data), Apache 2.0 (code)", "reference": "https://github.com/rspeer/wordfreq"}]
    if args.numbers:
        sources.append({"name": f"digit strings of 1 to 16 digits ({args.numbers:.0%} of the word weight)",
                        "licence": "generated here"})
    if args.unipen:
        sources.append({"name": "UNIPEN train_r01_v07 word and text labels (sections 7, 8), training sites only",
                        "licence": "CC BY 4.0", "excluded_sites": sorted(excluded), "sites": sites})
    if gt_sets:
        sources.append({"name": f"transcriptions of real handwritten pages ({', '.join(gt_sets)}), the training "
                                f"writers only (split by {args.split_by}; validation {args.val_share:g} and test "
                                f"{args.test_share:g} of the writer groups never used)",
                        "licence": "CC BY 4.0 (see the line model's card for each set's authors)"})
    return {"language": args.lang, "kind": f"character n-gram, interpolated {SMOOTHING_NAMES[args.smoothing]}", "folding": "lower case; every digit as 0; typographic quotes as plain ones",
            "licence": "CC BY-SA 4.0 (derived from wordfreq data)", "sources": sources,
            "command": "textrecog lm build " + shlex.join(a for a in args.argv if a != "--overwrite"), "date": dt.date.today().isoformat(),
            "settings": {k: getattr(args, k) for k in ("order", "words", "lexicon", "power", "tokens",
                                                       "unipen_weight", "numbers", "min_count")}}


def held_out_labels(path: str, sites: Iterable[str]) -> list[str]:
    """Validation-site UNIPEN word/text labels (for the perplexity figure; never counted)."""
    from textrecog.data.texts import clean_label
    from textrecog.data.unipen import UnipenCorpus

    wanted = set(sites)
    return [clean_label(label) for site, label in UnipenCorpus(path).iter_labels(["7", "8"], {"WORD", "TEXT"})
            if site in wanted and label.strip()]


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog lm build``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "build":
        print("usage: textrecog lm build --out DIR [options]  (textrecog lm build --help)", file=sys.stderr)
        return 2
    args = parse_args(argv[1:])
    args.argv = argv[1:]
    if (args.out / "manifest.json").exists() and not args.overwrite:
        print(f"textrecog lm build: {args.out} already holds a language model; give --overwrite", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    t0 = time.time()
    try:
        manifest = build(args)
    except ValueError as exc:
        print(f"textrecog lm build: {exc}", file=sys.stderr)
        return 2
    lm = load_lm(args.out)
    val = [t for t, _ in gt_texts(args, "val")[0]] if args.gt else \
        held_out_labels(args.unipen, ("art", "gmd", "ape")) if args.unipen else []
    if val:  # measured on held-out writers' texts, never counted
        manifest["validation_bits_per_char"] = round(bits_per_char(lm, val), 4)
        manifest["validation_texts"] = "validation writers' transcriptions" if args.gt else "UNIPEN validation sites"
        (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    write_card(args.out)
    size = sum((args.out / n).stat().st_size for n in ("lm.npz", "words.txt"))
    log.info("wrote %s: order %d, contexts %s, %.1f MB, validation %s bits/char, %.0fs", args.out, lm.order,
             manifest["contexts"], size / 1e6, manifest.get("validation_bits_per_char"), time.time() - t0)
    return 0


def write_card(out: Path) -> Path:
    """MODEL_CARD.md of a language model directory, from its manifest."""
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    lines = [f"# Language model card: `{m['name']}`", "",
             f"A {m['order']}-gram {m['kind']} over folded text ({m['folding']}), and a lexicon of "
             f"{m['lexicon_words']:,} words (`words.txt`). Used by beam-search decoding of both engines "
             "(`--lm`, on by default; `--no-lm` or `--decoder greedy` leave it out).", "", "## Sources", ""]
    lines += [f"- {s['name']} — licence {s['licence']}" + (f" ({s['reference']})" if s.get("reference") else "")
              + (f"; sites never used: {', '.join(s['excluded_sites'])}" if s.get("excluded_sites") else "")
              for s in m["sources"]]
    lines += ["", f"The files are licensed {m['licence']}.", "", "## Reproduce", "", "```", m["command"], "```", "",
              f"Contexts kept per length: {m['contexts']}. Case model (P(upper) after a space or nothing, one "
              f"capital, two capitals, a lower-case letter, anything else): {m.get('case', 'defaults')}.", ""]
    if "validation_bits_per_char" in m:
        lines += [f"Cross-entropy on the {m.get('validation_texts', 'UNIPEN validation sites')}' texts: "
                  f"{m['validation_bits_per_char']} "
                  "bits per character.", ""]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
    return out / "MODEL_CARD.md"

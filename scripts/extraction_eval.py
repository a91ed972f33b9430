#!/usr/bin/env python3
"""Extraction quality on the four extraction-dev sets, overall and by site fold.

    swift build -c release --product newswatch-bench
    python3 scripts/extraction_eval.py [--shared ../shared/extraction-dev] [--worst SET:N]

Runs `newswatch-bench extract` over each set, then scores with the sets' own scorers
(score.py's shingle P/R/F1 for scrapinghub, mozilla and wceb-news; must/must-not phrases
for trafilatura-eval). Pages are split into 5 folds by a hash of their site (host), so a
site's pages never sit in two folds: rules are tuned looking at folds 0-3 only, and fold 4 is
the held-out figure reported next to them (a rule that only helps the sites that suggested it
shows up as a gap between the two). Empty articles are counted: there should be none.

`--perturb KIND` runs the same pages rewritten the way other sites write them, a check on
rules that lean on one site's habits (the truths stay valid: only markup changes):
hashed-classes (class and id values replaced by hashes, as CSS-module builds name them),
div-paragraphs (every <p> a <div>), br-paragraphs (paragraphs split by <br><br>),
no-html5-tags (article, main, aside, nav, header, footer, section, figure, time as <div>),
nul-bytes (five NUL bytes at random places in each page).
"""
import argparse, hashlib, importlib.util, json, os, re, subprocess, sys, tempfile
from pathlib import Path
from urllib.parse import urlparse

HELD_OUT = 4
FOLDS = 5


def load_scorer(shared):
    spec = importlib.util.spec_from_file_location("score", shared / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fold_of(url, page_id):
    host = urlparse(url or "").hostname or ""
    if host in ("", "fakehost"):  # mozilla's pages all claim one host: each page is its own site
        host = page_id
    host = re.sub(r"^www\d?\.", "", host.lower())
    return int(hashlib.sha1(host.encode()).hexdigest(), 16) % FOLDS


def _hash_attribute(match):
    value = match.group(2).strip(b"\"'").decode("latin-1")
    hashed = " ".join("c" + hashlib.md5(token.encode()).hexdigest()[:6] for token in value.split())
    return match.group(1) + b'"' + hashed.encode() + b'"'


PERTURBATIONS = {
    "hashed-classes": lambda b, seed: re.sub(rb"(\s(?:class|id)\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>]+)", _hash_attribute, b, flags=re.I),
    "div-paragraphs": lambda b, seed: re.sub(rb"<(/?)p(\s|>)", rb"<\1div\2", b, flags=re.I),
    "br-paragraphs": lambda b, seed: re.sub(rb"</p\s*>", b"<br><br>", re.sub(rb"<p(\s[^>]*)?>", b"", b, flags=re.I), flags=re.I),
    "no-html5-tags": lambda b, seed: re.sub(rb"<(/?)(article|main|aside|nav|header|footer|section|figure|figcaption|time)(?=[\s>/])", rb"<\1div", b, flags=re.I),
    "nul-bytes": lambda b, seed: _insert_nuls(b, seed),
}


def _insert_nuls(page, seed):
    import random
    generator, data = random.Random(seed), bytearray(page)
    for _ in range(5):
        data.insert(generator.randrange(len(data) + 1), 0)
    return bytes(data)


def perturbed_copy(html_dir, kind, out_dir):
    """The set's pages rewritten by PERTURBATIONS[kind], gzipped as the originals are."""
    import gzip
    out_dir.mkdir(parents=True)
    for page in sorted(html_dir.iterdir()):
        raw = gzip.decompress(page.read_bytes()) if page.name.endswith(".gz") else page.read_bytes()
        seed = int(hashlib.sha1(page.name.encode()).hexdigest(), 16)
        (out_dir / page.name).write_bytes(gzip.compress(PERTURBATIONS[kind](raw, seed), 1) if page.name.endswith(".gz") else PERTURBATIONS[kind](raw, seed))
    return out_dir


def predict(bench, html_dir, out_dir):
    subprocess.run([bench, "extract", str(html_dir), "--predictions", str(out_dir), "--passes", "1"],
                   check=True, stdout=subprocess.DEVNULL)


def shingle_set(scorer, gt_path, pred_dir):
    gt = json.load(open(gt_path))
    rows = []
    for page_id, truth in gt.items():
        pred_file = pred_dir / f"{page_id}.txt"
        pred = pred_file.read_text(encoding="utf-8") if pred_file.exists() else ""
        rows.append((page_id, fold_of(truth.get("url", ""), page_id), scorer.string_shingle_matching(truth["articleBody"], pred), not pred.strip()))
    return rows


def shingle_summary(scorer, rows):
    if not rows:
        return "n/a"
    metrics = scorer.metrics_from_tp_fp_fns([r[2] for r in rows])
    empty = sum(r[3] for r in rows)
    return f"F1 {metrics['f1']:.3f}  P {metrics['precision']:.3f}  R {metrics['recall']:.3f}  ({len(rows)} pages, {empty} empty)"


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def snippet_set(cases_path, pred_dir):
    cases = json.load(open(cases_path))
    rows = []
    for page_id, case in cases.items():
        pred_file = pred_dir / f"{page_id}.txt"
        text = norm(pred_file.read_text(encoding="utf-8", errors="replace")) if pred_file.exists() else ""
        must = case.get("must_contain", [])
        must_not = case.get("must_not_contain", [])
        held = sum(norm(p) in text for p in must) + sum(norm(p) not in text for p in must_not)
        rows.append((page_id, fold_of(case.get("url", ""), page_id), held, len(must) + len(must_not), not text,
                     [p for p in must if norm(p) not in text], [p for p in must_not if norm(p) in text], case.get("url", "")))
    return rows


def snippet_summary(rows):
    if not rows:
        return "n/a"
    held = sum(r[2] for r in rows)
    total = sum(r[3] for r in rows)
    empty = sum(r[4] for r in rows)
    ok = sum(r[2] == r[3] for r in rows)
    return f"assertions {100.0 * held / total:.1f}%  pages all ok {100.0 * ok / len(rows):.1f}%  ({len(rows)} pages, {empty} empty)"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--shared", default=str(root.parent / "shared" / "extraction-dev"))
    parser.add_argument("--bench", default=str(root / ".build" / "release" / "newswatch-bench"))
    parser.add_argument("--worst", action="append", default=[], help="SET:N worst pages of the tuning folds, e.g. wceb-news:10")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--perturb", choices=sorted(PERTURBATIONS), help="run on the pages rewritten this way (see above)")
    args = parser.parse_args()
    shared = Path(args.shared)
    scorer = load_scorer(shared)
    worst = {item.split(":")[0]: int(item.split(":")[1]) for item in args.worst}
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in ["scrapinghub", "mozilla", "wceb-news", "trafilatura-eval"]:
            out = Path(scratch) / name
            html = shared / name / "html"
            if args.perturb:
                html = perturbed_copy(html, args.perturb, Path(scratch) / f"{name}-{args.perturb}")
            predict(args.bench, html, out)
            if name == "trafilatura-eval":
                rows = snippet_set(shared / name / "cases.json", out)
                summary = snippet_summary
                key = lambda r: r[3] - r[2]
            else:
                rows = shingle_set(scorer, shared / name / "ground-truth.json", out)
                summary = lambda rs: shingle_summary(scorer, rs)
                key = lambda r: r[2][1] + r[2][2]
            tuning = [r for r in rows if r[1] != HELD_OUT]
            held = [r for r in rows if r[1] == HELD_OUT]
            figures[name] = {"all": summary(rows), "tuning": summary(tuning), "held_out": summary(held),
                             "folds": [summary([r for r in rows if r[1] == f]) for f in range(FOLDS)]}
            print(f"{name}\n  all       {figures[name]['all']}\n  folds 0-3 {figures[name]['tuning']}\n  fold 4    {figures[name]['held_out']}")
            for f in range(FOLDS):
                print(f"    fold {f}: {figures[name]['folds'][f]}")
            for row in sorted(tuning, key=key, reverse=True)[:worst.get(name, 0)]:
                if name == "trafilatura-eval":
                    print(f"  - {row[0]} {row[7]}")
                    for p in row[5]: print(f"      missing: {p[:90]!r}")
                    for p in row[6]: print(f"      leaked:  {p[:90]!r}")
                else:
                    tp, fp, fn = row[2]
                    print(f"  - {row[0]}  P {tp / (tp + fp) if tp + fp else 0:.2f}  R {tp / (tp + fn) if tp + fn else 0:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

"""Benchmarks of issue #5: how close one SGD step comes to the GEMM bound.

Run from the repository root, in one process::

    python benchmarks/run.py              # steps and digits (a few minutes)
    python benchmarks/run.py --commands   # also the book build and pytest
    python benchmarks/run.py --cpu-time   # CPU time instead of wall time

It prints the machine and the BLAS setup first, then

1. for sigmoid MLPs with the quadratic cost, in float64 and float32: one
   vectorized SGD step, the same step one sample at a time, the GEMM-only
   bound, and the ratios step / GEMM and per-sample / vectorized (medians
   of interleaved repetitions, :func:`backprop.benchmark.median_times`);
2. epochs on scikit-learn's digits: ``train.sgd`` against
   ``MLPClassifier(solver="sgd")`` with the same architecture, the same
   initialization scheme and the same settings;
3. with ``--commands``: a clean ``jupyter-book build`` and ``python -m
   pytest``, as the README runs them (wall time, default BLAS threads);

and finally which targets of issue #5 are met. BLAS runs on one thread
unless ``--blas-threads`` says otherwise: on a shared machine a second
OpenBLAS thread waits whenever its core is busy, which makes timings
depend on the neighbours rather than on the code. For the same reason
``--cpu-time`` measures the CPU time of the process, which waiting for a
core does not inflate.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import threadpoolctl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the package of this checkout, installed or not

from backprop import benchmark, minibatch, train  # noqa: E402
from backprop.benchmark import median_times, step_cases  # noqa: E402
from backprop.data import one_hot  # noqa: E402

SIZES = [((64, 32, 10), 32), ((784, 100, 10), 64), ((784, 256, 128, 10), 128)]
SIZES += [((784, 1024, 1024, 10), 256)]
DIGITS = dict(hidden=32, batch_size=32, epochs=50, eta=0.5, seeds=5)


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header(args):
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"date     {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine  {cpu_model()}, nproc {os.cpu_count()}, load {load}")
    print(f"python   {platform.python_version()}, numpy {np.__version__}")
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    print(f"env      {env or 'no OPENBLAS_* variables'}")
    for lib in threadpoolctl.threadpool_info():
        print(
            f"blas     {lib['internal_api']} {lib['version']} "
            f"({lib.get('architecture', '?')}), {lib['num_threads']} threads, "
            f"{Path(lib['filepath']).name}"
        )
    used = "library default" if args.blas_threads == 0 else args.blas_threads
    clock = "CPU time of this process" if args.cpu_time else "wall time"
    print(f"timing   BLAS threads used: {used}; {clock}, medians of {args.repeat}")
    print()


def steps(args):
    """Table 1: one step, per sample and the GEMM bound, per size and dtype."""
    print("One SGD step, sigmoid MLP, quadratic cost (ms; medians)")
    print(
        f"{'sizes':>20} {'m':>4} {'dtype':>8} {'step':>9} {'per-sample':>11}"
        f" {'GEMM':>9} {'step/GEMM':>9} {'per-s/vec':>9}"
    )
    rows = []
    for sizes, m in SIZES:
        for dtype in (np.float64, np.float32):
            t = median_times(step_cases(sizes, m, dtype), repeat=args.repeat)
            row = dict(sizes=sizes, m=m, dtype=np.dtype(dtype).name, **t)
            row["step/gemm"] = t["vectorized"] / t["gemm"]
            row["per/vec"] = t["per_sample"] / t["vectorized"]
            rows.append(row)
            print(
                f"{'-'.join(map(str, sizes)):>20} {m:>4} {row['dtype']:>8}"
                f" {1e3 * t['vectorized']:9.3f} {1e3 * t['per_sample']:11.2f}"
                f" {1e3 * t['gemm']:9.3f} {row['step/gemm']:9.2f}"
                f" {row['per/vec']:9.1f}",
                flush=True,
            )
    print()
    return rows


def float32_throughout():
    """True if float32 parameters and data give float32 everywhere."""
    W, b = train.init_params((8, 5, 3), dtype=np.float32)
    rng = np.random.default_rng(0)
    X = rng.random((8, 20), dtype=np.float32)
    Y = one_hot(rng.integers(0, 3, 20), 3).astype(np.float32)
    g, cost = ["sigmoid", "softmax"], "categorical_cross_entropy"
    Z, A = minibatch.forward(W, b, X, g)
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    out = train.sgd(W, b, X, Y, eta=0.5, epochs=2, batch_size=8, g=g, cost=cost)
    arrays = [*Z, *A, *dW, *db, *out.W, *out.b]
    return all(a.dtype == np.float32 for a in arrays)


def glorot(sizes, seed):
    """MLPClassifier's initialization for logistic units, as (W, b) columns.

    W^l and b^l uniform in +-sqrt(2 * 6 / (n_{l-1} + n_l)), so both nets
    start from the same distribution (train.init_params draws N(0, 1/n)).
    """
    rng = np.random.default_rng(seed)
    W, b = [], []
    for n_prev, n in itertools.pairwise(sizes):
        bound = np.sqrt(12 / (n_prev + n))
        W.append(rng.uniform(-bound, bound, (n, n_prev)))
        b.append(rng.uniform(-bound, bound, (n, 1)))
    return W, b


def digits(args):
    """Table 2: epochs on scikit-learn's digits, ours against MLPClassifier."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    d = DIGITS
    data = load_digits()
    X, y = data.data / 16.0, data.target  # pixels 0..16 scaled to [0, 1]
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    X_cols, Y_cols = np.ascontiguousarray(X_tr.T), one_hot(y_tr, 10)
    g, cost = ["sigmoid", "softmax"], "categorical_cross_entropy"

    def ours(seed):
        W, b = glorot((64, d["hidden"], 10), seed)
        trained = train.sgd(
            W, b, X_cols, Y_cols, eta=d["eta"], epochs=d["epochs"],
            batch_size=d["batch_size"], seed=seed, g=g, cost=cost,
        )  # fmt: skip
        _, A = minibatch.forward(trained.W, trained.b, X_te.T, g)
        return float(np.mean(A[-1].argmax(axis=0) == y_te))

    def sklearn(seed):
        clf = MLPClassifier(
            hidden_layer_sizes=(d["hidden"],), activation="logistic",
            solver="sgd", batch_size=d["batch_size"], max_iter=d["epochs"],
            learning_rate="constant", learning_rate_init=d["eta"],
            momentum=0.0, nesterovs_momentum=False, alpha=0.0, tol=0.0,
            n_iter_no_change=d["epochs"] + 1, shuffle=True, random_state=seed,
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter hit
            clf.fit(X_tr, y_tr)
        assert clf.n_iter_ == d["epochs"], "MLPClassifier stopped early"
        return float(clf.score(X_te, y_te))

    t = median_times(
        {"ours": lambda: ours(0), "sklearn": lambda: sklearn(0)}, repeat=args.repeat
    )
    acc = {
        name: [fit(seed) for seed in range(d["seeds"])]
        for name, fit in (("ours", ours), ("sklearn", sklearn))
    }
    print(
        f"Digits: 64-{d['hidden']}-10, sigmoid hidden, softmax + cross-entropy,"
        f" batch {d['batch_size']}, {d['epochs']} epochs, eta {d['eta']},"
        f" {len(y_tr)} train / {len(y_te)} test images"
    )
    print(
        f"{'':>20} {'ms/epoch':>9} {'test accuracy, mean (min-max)':>30}"
        f" over seeds 0..{d['seeds'] - 1}"
    )
    for name, label in (("ours", "backprop train.sgd"), ("sklearn", "MLPClassifier")):
        ms = 1e3 * t[name] / d["epochs"]
        a = acc[name]
        print(f"{label:>20} {ms:9.2f} {np.mean(a):20.4f} ({min(a):.4f}-{max(a):.4f})")
    speedup = t["sklearn"] / t["ours"]
    print(f"{'speed-up':>20} {speedup:9.2f}x")
    print()
    return speedup, {name: float(np.mean(a)) for name, a in acc.items()}


def run_command(cmd, timeout):
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
    except FileNotFoundError as e:
        return None, f"not run: {e}"
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, f"timed out after {timeout} s"
    secs = time.perf_counter() - t0
    text = p.stdout if p.returncode == 0 else p.stdout + p.stderr
    lines = re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()  # no colours
    tail = next((x.strip(" =") for x in reversed(lines) if x.strip(" =")), "")
    return secs, f"exit {p.returncode}: {tail[:100]}"


def commands():
    """Table 3: the project's own commands, in subprocesses, wall time."""
    print("Project commands (wall time, default BLAS threads)")
    times = {}
    with tempfile.TemporaryDirectory() as out:
        cmd = ["jupyter-book", "build", ".", "--path-output", out]
        times["book"] = run_command(cmd, timeout=1800)
    times["pytest"] = run_command([sys.executable, "-m", "pytest"], timeout=3600)
    for name, (secs, what) in times.items():
        label = "jupyter-book build (clean)" if name == "book" else "python -m pytest"
        shown = "--" if secs is None else f"{secs:.1f} s"
        print(f"{label:>28} {shown:>9}  {what}")
    print()
    return times


def targets(rows, digits_result, f32_ok, cmd_times):
    print("Targets of issue #5")
    checks = []
    for r in rows:
        name = f"{'-'.join(map(str, r['sizes']))} {r['dtype']}"
        if r["sizes"][1] >= 256:
            checks.append((f"step/GEMM <= 1.3, {name}", r["step/gemm"] <= 1.3))
        if r["m"] >= 64:
            checks.append((f"per-sample/vectorized >= 20, {name}", r["per/vec"] >= 20))
    speedup, acc = digits_result
    checks.append(("digits: >= 2x faster per epoch", speedup >= 2))
    checks.append(
        ("digits: mean test accuracy >= sklearn's", acc["ours"] >= acc["sklearn"])
    )
    checks.append(("float32 in, float32 throughout", f32_ok))
    if cmd_times:
        for key, label, limit in (
            ("book", "book build", 60),
            ("pytest", "pytest", 180),
        ):
            secs, what = cmd_times[key]
            ok = secs is not None and what.startswith("exit 0") and secs <= limit
            checks.append((f"{label} <= {limit} s and succeeds", ok))
    for label, ok in checks:
        print(f"  [{'met' if ok else 'MISSED':>6}] {label}")
    return all(ok for _, ok in checks)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--commands", action="store_true", help="also time the book build and pytest"
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for the timings (0: the library default; default 1)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="repetitions")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with the process's CPU time instead of wall time "
        "(insensitive to other load; needs --blas-threads 1)",
    )
    args = parser.parse_args(argv)
    if args.cpu_time:
        if args.blas_threads != 1:
            parser.error("--cpu-time needs --blas-threads 1")
        benchmark._clock = time.process_time
    header(args)
    limits = None if args.blas_threads == 0 else args.blas_threads
    with threadpoolctl.threadpool_limits(limits):
        rows = steps(args)
        digits_result = digits(args)
        f32_ok = float32_throughout()
    cmd_times = commands() if args.commands else None
    targets(rows, digits_result, f32_ok, cmd_times)


if __name__ == "__main__":
    main()

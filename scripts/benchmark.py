#!/usr/bin/env python
"""Training-step time of the course's path against Keras's built-in recurrent layers (and PyTorch).

Model: a language model, Embedding -> recurrent layer (return_sequences) -> Dense(vocabulary),
sparse cross-entropy on logits, Adam. Two shapes:

    course  batch 32, 50 steps, embedding 16, hidden 64, vocabulary 32   (most notebooks)
    medium  batch 64, 100 steps, embedding 32, hidden 256, vocabulary 64

Columns (milliseconds per optimizer step, best of the repeats after a warm-up that compiles):
    course          keras.layers.RNN(course_utils cell) trained by course_utils.train (XLA, with
                    the batched-BPTT loop of course_utils.training.fast_loop: the default)
    course-keras    the same with fast_rnn=False (XLA, Keras's step-by-step loop)
    keras           keras.layers.SimpleRNN/LSTM/GRU, model.fit(jit_compile=False)
    keras-xla       the same with jit_compile=True
    torch           torch.nn.RNN/LSTM/GRU, only when PyTorch happens to be importable

Each repeat runs every implementation in turn (so that load from other processes hits all of them
alike) for n and for 4n batches; the time per step is the difference of the fastest times divided
by 3n, which leaves out the fixed cost of each `fit`/`train` call for all of them alike (load only
ever adds time, so the fastest run is the least disturbed; a difference that comes out <= 0 is
shown as noisy, and if the targets need it the verdict is NOISY with exit status 2). The script
prints the table (ratio to keras.layers.LSTM without XLA in brackets), the machine and its load
average before and after, PASS/FAIL for the targets (course LSTM <= 0.6x at course size, <= 1.2x
at medium; exit status 1 on a FAIL), and the same table in CPU time of the process, which other
processes disturb less than wall time.

    python scripts/benchmark.py                      # both shapes, 7 repeats
    python scripts/benchmark.py --quick              # 3 repeats, fewer steps
    python scripts/benchmark.py --shapes medium --markdown BENCHMARK.md
"""
import argparse
import contextlib
import io
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_utils.layers import cells  # noqa: E402  (first: importing course_utils quiets TensorFlow)
from course_utils.training.engine import train  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

SHAPES = {
    "course": dict(batch=32, steps=50, embedding=16, hidden=64, vocabulary=32, batches=20),
    "medium": dict(batch=64, steps=100, embedding=32, hidden=256, vocabulary=64, batches=3),
}
TARGETS = {"course": 0.6, "medium": 1.2}  # course LSTM time / keras LSTM (no XLA) time
KINDS = {"SimpleRNN": (cells.SimpleRNNCell, keras.layers.SimpleRNN),
         "LSTM": (cells.LSTMCell, keras.layers.LSTM),
         "GRU": (cells.GRUCell, keras.layers.GRU)}
LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
COMPILE_SECONDS = {}  # (hidden, kind, fast_rnn) -> seconds of the first, compiling train call


def language_model(shape, recurrent):
    return keras.Sequential([keras.Input((shape["steps"],), dtype="int32"),
                             keras.layers.Embedding(shape["vocabulary"], shape["embedding"]),
                             recurrent, keras.layers.Dense(shape["vocabulary"])])


def course_runner(shape, kind, data, fast_rnn):
    keras.utils.set_random_seed(0)
    cell = KINDS[kind][0](shape["hidden"])
    model = language_model(shape, keras.layers.RNN(cell, return_sequences=True))

    def run(batches):
        x, y = (a[:batches * shape["batch"]] for a in data)
        start = time.perf_counter()
        history = train(model, x, y, loss=LOSS, metrics=(), batch_size=shape["batch"],
                        shuffle=False, steps_per_call=shape["batches"], fast_rnn=fast_rnn)
        assert history.xla_used
        if history.compile_seconds is not None:
            COMPILE_SECONDS[(shape["hidden"], kind, fast_rnn)] = history.compile_seconds
        return time.perf_counter() - start

    return run


def keras_runner(shape, kind, data, jit_compile):
    keras.utils.set_random_seed(0)
    model = language_model(shape, KINDS[kind][1](shape["hidden"], return_sequences=True))
    model.compile(optimizer="adam", loss=LOSS, jit_compile=jit_compile)

    def run(batches):
        x, y = (a[:batches * shape["batch"]] for a in data)
        start = time.perf_counter()
        model.fit(x, y, batch_size=shape["batch"], epochs=1, shuffle=False, verbose=0)
        return time.perf_counter() - start

    return run


def torch_runner(shape, kind, data):
    import torch

    torch.manual_seed(0)
    recurrent = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind]
    embedding = torch.nn.Embedding(shape["vocabulary"], shape["embedding"])
    rnn = recurrent(shape["embedding"], shape["hidden"], batch_first=True)
    dense = torch.nn.Linear(shape["hidden"], shape["vocabulary"])
    parameters = [*embedding.parameters(), *rnn.parameters(), *dense.parameters()]
    optimizer = torch.optim.Adam(parameters, lr=1e-3)
    x, y = (torch.as_tensor(a, dtype=torch.long) for a in data)
    batch = shape["batch"]

    def run(batches):
        start = time.perf_counter()
        for i in range(0, batches * batch, batch):
            logits = dense(rnn(embedding(x[i:i + batch]))[0])
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                     y[i:i + batch].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return time.perf_counter() - start

    return run


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def measure(shape_name, repeats, quick):
    """Per implementation: (fastest time of 4n batches - fastest time of n batches) / 3n, in ms,
    for wall time and for this process's CPU time, or NaN where noise made it <= 0. The difference
    leaves out the fixed cost of each `fit`/`train` call (data adapters, the eager build call) for
    all implementations alike."""
    shape = dict(SHAPES[shape_name])
    if quick:
        shape["batches"] = max(2, shape["batches"] // 2)
    few, many = shape["batches"], 4 * shape["batches"]
    rng = np.random.default_rng(0)
    x = rng.integers(0, shape["vocabulary"], (shape["batch"] * many, shape["steps"]))
    data = (x.astype("int32"), np.roll(x, -1, axis=1).astype("int32"))
    runners = {}
    for kind in KINDS:
        runners[(kind, "course")] = course_runner(shape, kind, data, fast_rnn=True)
        runners[(kind, "course-keras")] = course_runner(shape, kind, data, fast_rnn=False)
        runners[(kind, "keras")] = keras_runner(shape, kind, data, jit_compile=False)
        runners[(kind, "keras-xla")] = keras_runner(shape, kind, data, jit_compile=True)
        if torch_available():
            runners[(kind, "torch")] = torch_runner(shape, kind, data)
    samples = {(key, n): ([], []) for key in runners for n in (few, many)}  # wall, cpu
    with contextlib.redirect_stdout(io.StringIO()):  # train's final metric lines
        for run in runners.values():  # warm-up: tracing and compilation
            run(few)
        for _ in range(repeats):
            for key, run in runners.items():
                for n in (few, many):
                    cpu_start = time.process_time()
                    samples[(key, n)][0].append(run(n))
                    samples[(key, n)][1].append(time.process_time() - cpu_start)

    def per_step(key, which):
        fastest = [min(samples[(key, n)][which]) for n in (few, many)]
        milliseconds = 1000.0 * float(fastest[1] - fastest[0]) / (many - few)
        return milliseconds if milliseconds > 0 else float("nan")

    return ({key: per_step(key, 0) for key in runners}, {key: per_step(key, 1) for key in runners})


def cell_text(milliseconds, reference):
    if milliseconds is None:
        return "-"
    if np.isnan(milliseconds):
        return "noisy"
    return f"{milliseconds:.2f} ({milliseconds / reference:.2f}x)"


def tables(results, columns, what):
    lines = []
    for shape_name, times in results.items():
        shape = SHAPES[shape_name]
        reference = times[("LSTM", "keras")]
        lines.append(f"\n{shape_name} size: batch {shape['batch']}, {shape['steps']} steps, "
                     f"embedding {shape['embedding']}, hidden {shape['hidden']}, vocabulary "
                     f"{shape['vocabulary']}. {what} (ms per step; in brackets: ratio to "
                     "keras.layers.LSTM fit without XLA)\n")
        lines.append("| cell | " + " | ".join(columns) + " |")
        lines.append("|---|" + "---|" * len(columns))
        for kind in KINDS:
            cells_text = [cell_text(times.get((kind, c)), reference) for c in columns]
            lines.append(f"| {kind} | " + " | ".join(cells_text) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats and fewer batches")
    parser.add_argument("--shapes", choices=("course", "medium", "all"), default="all")
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default 7, quick 3)")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args(argv)
    repeats = args.repeats if args.repeats is not None else (3 if args.quick else 7)
    if repeats < 1:
        parser.error(f"--repeats must be >= 1, got {repeats}")
    names = list(SHAPES) if args.shapes == "all" else [args.shapes]
    columns = ["course", "course-keras", "keras", "keras-xla"]
    columns += ["torch"] if torch_available() else []
    load_before = os.getloadavg()
    start = time.time()
    measured = {name: measure(name, repeats, args.quick) for name in names}
    results = {name: wall for name, (wall, _) in measured.items()}
    cpu_results = {name: cpu for name, (_, cpu) in measured.items()}
    load_after = os.getloadavg()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    header = (f"{cpu}, {os.cpu_count()} cores | Python {platform.python_version()} | TensorFlow "
              f"{__import__('tensorflow').__version__} | Keras {keras.__version__} | {repeats} "
              f"repeats, fastest | load average (1, 5, 15 min) before "
              f"{', '.join(f'{v:.2f}' for v in load_before)}, after "
              f"{', '.join(f'{v:.2f}' for v in load_after)} | {time.time() - start:.0f} s")
    verdicts = []
    for name in names:
        ratio = results[name][("LSTM", "course")] / results[name][("LSTM", "keras")]
        if np.isnan(ratio):
            verdicts.append(f"NOISY: {name} size, a time per step came out <= 0; rerun with more "
                            "--repeats on a quieter machine")
            continue
        passed = ratio <= TARGETS[name]
        cpu_ratio = cpu_results[name][("LSTM", "course")] / cpu_results[name][("LSTM", "keras")]
        verdicts.append(f"{'PASS' if passed else 'FAIL'}: {name} size, course LSTM / keras LSTM "
                        f"(no XLA) = {ratio:.2f} (target <= {TARGETS[name]}; in CPU time {cpu_ratio:.2f})")
    compile_lines = ["", "First train() call of the course path (tracing + XLA compilation + n "
                     "steps), seconds: " + "; ".join(
                         f"{name} {kind} {seconds:.1f} ({'fast loop' if fast else 'Keras loop'})"
                         for name in names for (hidden, kind, fast), seconds
                         in COMPILE_SECONDS.items() if hidden == SHAPES[name]["hidden"])]
    text = (header + "\n" + tables(results, columns, "Wall time") + "\n" + "\n".join(compile_lines)
            + "\n\n" + "\n".join(verdicts)
            + "\n\nFor comparison under load, CPU time of this process (all its threads):\n"
            + tables(cpu_results, columns, "CPU time"))
    print(text)
    if args.markdown:
        args.markdown.write_text("# Training-step benchmark\n\nMade by `python scripts/benchmark.py"
                                 f"{' --quick' if args.quick else ''} --shapes {args.shapes}`.\n\n"
                                 + text + "\n")
    if any(v.startswith("NOISY") for v in verdicts):
        return 2
    return 0 if all(v.startswith("PASS") for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())

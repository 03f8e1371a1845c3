#!/usr/bin/env python
"""Training-step time of the course's path against Keras's recurrent layers and PyTorch's.

Model: a language model, Embedding -> recurrent layer (return_sequences) -> Dense(vocabulary),
mean sparse cross-entropy on logits, Adam; the same for every implementation. Two shapes:

    course  batch 32, 50 steps, embedding 16, hidden 64, vocabulary 32   (most notebooks)
    medium  batch 64, 100 steps, embedding 32, hidden 256, vocabulary 64

Columns (milliseconds per optimizer step: forward, backward and Adam update):
    course          keras.layers.RNN(course_utils cell) trained by course_utils.train (XLA, with
                    the batched-BPTT loop of course_utils.training.fast_loop: the default)
    course-keras    the same with fast_rnn=False (XLA, Keras's step-by-step loop)
    keras           keras.layers.SimpleRNN/LSTM/GRU, model.fit(jit_compile=False)
    keras-xla       the same with jit_compile=True
    torch           torch.nn.RNN/LSTM/GRU with torch.optim.Adam, from the benchmark venv

Each implementation runs in a process of its own (scripts/benchmark_worker.py: TensorFlow and
PyTorch never share one), with the same number of intra-op threads (--threads, default 1: on a
2-core machine that other work shares, a second thread makes OpenMP's and Eigen's thread pools
wait on each other and the times scatter) and one inter-op thread. PyTorch comes from its own
virtual environment, never from the course's: `python scripts/benchmark.py --setup` makes
build/venv-bench with the `benchmark` extra of pyproject.toml (on Linux x86-64 PyPI's torch is the
CUDA build: about 5.5 GB with its nvidia-* packages, and it runs on the CPU; `--setup
--index-url URL` takes another index, such as PyTorch's CPU-only one).

After a warm-up call that compiles, each repeat asks every implementation in turn (so that load
from other processes hits all of them alike) to train on n and on 4n batches; the time per step is
(time of 4n - time of n) / 3n, taken on the fastest runs (min) and on the median runs, which
leaves out the fixed cost of each `fit`/`train` call for all of them alike.

The script prints the machine, the table (min / median; the ratios course/torch and
course/keras), and PASS/FAIL for the bars on the LSTM, judged on the fastest runs: course <=
1.0x torch at both sizes, <= 0.6x keras (no XLA) at course size and <= 1.0x at medium size. Exit
status: 0 all PASS, 1 a FAIL, 2 noise made a time <= 0 (NOISY: rerun with more --repeats), 3
PyTorch is not set up (its bars are MISSING).

    .venv/bin/python scripts/benchmark.py --setup            # once: build/venv-bench with torch
    .venv/bin/python scripts/benchmark.py                    # both shapes, 7 repeats, 1 thread
    .venv/bin/python scripts/benchmark.py --threads 2        # both cores for every implementation
    .venv/bin/python scripts/benchmark.py --quick            # 3 repeats, fewer batches
    .venv/bin/python scripts/benchmark.py --shapes medium --kinds LSTM --markdown BENCHMARK.md
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).resolve().with_name("benchmark_worker.py")
BENCH_VENV = ROOT / "build" / "venv-bench"
IMPLEMENTATIONS = ("course", "course-keras", "keras", "keras-xla", "torch")
KINDS = ("SimpleRNN", "LSTM", "GRU")
SHAPES = {  # batches: n of the n / 4n runs; steps_per_call: course_utils.train's setting
    "course": dict(batch=32, steps=50, embedding=16, hidden=64, vocabulary=32, batches=20,
                   steps_per_call=20),
    "medium": dict(batch=64, steps=100, embedding=32, hidden=256, vocabulary=64, batches=3,
                   steps_per_call=3),
}
BARS = {  # (shape, reference) -> the most course LSTM time / reference LSTM time may be
    ("course", "torch"): 1.0, ("course", "keras"): 0.6,
    ("medium", "torch"): 1.0, ("medium", "keras"): 1.0,
}
MANY = 4  # the long run has MANY * n batches


def torch_python(venv=BENCH_VENV):
    """The benchmark venv's Python, or None when it has not been set up."""
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    return python if python.exists() else None


def worker_command(implementation, shape, kinds, threads, venv=BENCH_VENV, probe=False):
    """The command line of one implementation's worker: PyTorch's runs in the benchmark venv,
    the others in this (the course's) Python; never both frameworks in one process."""
    python = torch_python(venv) if implementation == "torch" else Path(sys.executable)
    if python is None:
        raise FileNotFoundError(f"no PyTorch venv at {venv}; run: {sys.executable} "
                                f"scripts/benchmark.py --setup")
    command = [str(python), str(WORKER), implementation, "--threads", str(threads)]
    if probe:
        return command + ["--probe"]
    worker_shape = dict(shape, batches=MANY * shape["batches"])
    return command + ["--shape", json.dumps(worker_shape), "--kinds", ",".join(kinds)]


def thread_environment(threads):
    """Environment of a worker: OpenMP/MKL pools of `threads` threads, TensorFlow quiet."""
    return dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
                TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")


class Worker:
    """A running benchmark_worker.py: ask(kind, batches) -> (wall, cpu) seconds."""

    def __init__(self, command, threads):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, env=thread_environment(threads), cwd=ROOT)
        self.ready = None

    def wait_ready(self):
        self.ready = self._answer()
        return self.ready

    def ask(self, kind, batches):
        self.process.stdin.write(json.dumps({"kind": kind, "batches": batches}) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        return answer["wall"], answer["cpu"]

    def _answer(self):
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise RuntimeError(f"benchmark worker {self.process.args[2]} exited with status "
                               f"{code} (its error is printed above)")
        return json.loads(line)

    def close(self):
        if self.process.poll() is None:
            with_stdin = self.process.stdin
            try:
                with_stdin.write("\n")
                with_stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_workers(implementations, shape, kinds, threads, venv=BENCH_VENV, probe=False):
    """Start one worker process per implementation (all at once) and wait until each is ready."""
    workers = {name: Worker(worker_command(name, shape, kinds, threads, venv, probe), threads)
               for name in implementations}
    try:
        for worker in workers.values():
            worker.wait_ready()
    except BaseException:
        for worker in workers.values():
            worker.close()
        raise
    return workers


def per_step(few_times, many_times, few, many):
    """(min, median) milliseconds per step from the times of runs of `few` and `many` batches:
    (fastest many - fastest few) / (many - few), and the same on the medians; NaN where noise
    made it <= 0."""
    def difference(pick):
        milliseconds = 1000.0 * (pick(many_times) - pick(few_times)) / (many - few)
        return milliseconds if milliseconds > 0 else float("nan")

    return difference(min), difference(statistics.median)


def measure(shape_name, implementations, kinds, repeats, threads, quick, venv=BENCH_VENV):
    """Per (kind, implementation): wall and CPU (min, median) ms per step, first-call seconds."""
    shape = dict(SHAPES[shape_name])
    if quick:
        shape["batches"] = max(2, shape["batches"] // 2)
        shape["steps_per_call"] = min(shape["steps_per_call"], shape["batches"])
    few, many = shape["batches"], MANY * shape["batches"]
    workers = start_workers(implementations, shape, kinds, threads, venv)
    samples = {(kind, name): {n: ([], []) for n in (few, many)}
               for kind in kinds for name in implementations}
    first_call = {}
    try:
        for kind in kinds:  # warm-up: tracing and compilation
            for name, worker in workers.items():
                first_call[(kind, name)] = worker.ask(kind, few)[0]
        for _ in range(repeats):
            for kind in kinds:
                for name, worker in workers.items():
                    for n in (few, many):
                        wall, cpu = worker.ask(kind, n)
                        samples[(kind, name)][n][0].append(wall)
                        samples[(kind, name)][n][1].append(cpu)
    finally:
        for worker in workers.values():
            worker.close()
    versions = {name: worker.ready["version"] for name, worker in workers.items()}
    wall = {key: per_step(s[few][0], s[many][0], few, many) for key, s in samples.items()}
    cpu = {key: per_step(s[few][1], s[many][1], few, many) for key, s in samples.items()}
    return {"wall": wall, "cpu": cpu, "first_call": first_call, "versions": versions,
            "shape": shape}


def ratio(times, kind, numerator, denominator, which=0):
    """times[(kind, numerator)][which] / times[(kind, denominator)][which]; None if missing."""
    if (kind, numerator) not in times or (kind, denominator) not in times:
        return None
    top, bottom = times[(kind, numerator)][which], times[(kind, denominator)][which]
    return top / bottom


def pair_text(values, digits=2):
    """'min / median' of two numbers; 'noisy' for NaN, '-' when absent."""
    if values is None:
        return "-"
    return " / ".join("noisy" if value != value else f"{value:.{digits}f}" for value in values)


def table(times, kinds, implementations):
    """Markdown table: one row per kind, ms per step (min / median) per implementation, and the
    ratios course/torch and course/keras (min / median)."""
    references = [r for r in ("torch", "keras") if r in implementations and "course" in
                  implementations]
    header = [*implementations, *(f"course / {r}" for r in references)]
    lines = ["| cell | " + " | ".join(header) + " |", "|---|" + "---|" * len(header)]
    for kind in kinds:
        cells = [pair_text(times.get((kind, name))) for name in implementations]
        for reference in references:
            ratios = tuple(ratio(times, kind, "course", reference, which) for which in (0, 1))
            cells.append(pair_text(None if None in ratios else ratios))
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(results, torch_missing):
    """PASS/FAIL/NOISY/MISSING lines for the bars on the LSTM, judged on the fastest runs."""
    lines = []
    for (shape_name, reference), bar in BARS.items():
        if shape_name not in results:
            continue
        what = f"{shape_name} size, course LSTM / {reference} LSTM"
        if reference == "torch" and torch_missing:
            lines.append(f"MISSING: {what}: PyTorch is not set up (run with --setup first)")
            continue
        value = ratio(results[shape_name]["wall"], "LSTM", "course", reference)
        if value is None:
            continue
        if value != value:
            lines.append(f"NOISY: {what}: a time per step came out <= 0; rerun with more "
                         "--repeats on a quieter machine")
            continue
        median = ratio(results[shape_name]["wall"], "LSTM", "course", reference, which=1)
        lines.append(f"{'PASS' if value <= bar else 'FAIL'}: {what} = {value:.2f} (bar <= "
                     f"{bar}; median runs {pair_text((median,))})")
    return lines


def exit_status(lines):
    for word, status in (("NOISY", 2), ("MISSING", 3), ("FAIL", 1)):
        if any(line.startswith(word) for line in lines):
            return status
    return 0


def shape_text(shape_name, shape):
    return (f"{shape_name} size: batch {shape['batch']}, {shape['steps']} time steps, "
            f"embedding (features) {shape['embedding']}, units {shape['hidden']}, vocabulary "
            f"{shape['vocabulary']}; n = {shape['batches']} and {MANY * shape['batches']} "
            f"batches, course_utils.train steps_per_call {shape['steps_per_call']}")


def report(results, kinds, implementations, repeats, threads, loads, seconds, torch_missing):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor()) \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    versions = {v for result in results.values() for v in result["versions"].values()}
    load_text = [", ".join(f"{v:.2f}" for v in load) for load in loads]
    parts = [f"{cpu}, {os.cpu_count()} cores | {threads} intra-op thread(s) and 1 inter-op "
             f"thread in every implementation | Python {platform.python_version()} | "
             f"{' | '.join(sorted(versions))} | {repeats} repeats | load average (1, 5, 15 min) "
             f"before {load_text[0]}, after {load_text[1]} | {seconds:.0f} s"]
    for shape_name, result in results.items():
        parts += ["", shape_text(shape_name, result["shape"]) + ". Wall time, ms per step "
                  "(min / median over the repeats):", "", table(result["wall"], kinds,
                                                                implementations)]
    lines = verdicts(results, torch_missing)
    parts += ["", "First call (tracing, compilation and n steps), seconds: " + "; ".join(
        f"{shape_name} {kind} {name} {value:.1f}" for shape_name, result in results.items()
        for (kind, name), value in result["first_call"].items()), "", *lines]
    if torch_missing:
        parts += ["", f"PyTorch is not set up: {sys.executable} scripts/benchmark.py --setup"]
    parts += ["", "CPU time of each worker process (all its threads), ms per step:"]
    for shape_name, result in results.items():
        parts += ["", f"{shape_name} size:", "", table(result["cpu"], kinds, implementations)]
    return "\n".join(parts), exit_status(lines)


def benchmark_requirements(pyproject=ROOT / "pyproject.toml"):
    """The `benchmark` extra of pyproject.toml (torch), plus numpy for the worker's data."""
    with open(pyproject, "rb") as file:
        extra = tomllib.load(file)["project"]["optional-dependencies"]["benchmark"]
    return [*extra, "numpy"]


def setup(venv=BENCH_VENV, index_url=None):
    """Make the benchmark venv and install PyTorch into it, from pip's configured index or from
    `index_url` (for torch only; numpy still comes from the configured index)."""
    start = time.time()
    if torch_python(venv) is None:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(torch_python(venv)), "-m", "pip", "install", "--upgrade"]
    torch_requirements = [r for r in benchmark_requirements() if r != "numpy"]
    subprocess.run(pip + ["numpy"], check=True)
    subprocess.run(pip + (["--index-url", index_url] if index_url else []) + torch_requirements,
                   check=True)
    size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    version = subprocess.run([str(torch_python(venv)), "-c", "import torch; print("
                              "torch.__version__)"], check=True, capture_output=True, text=True)
    print(f"{venv}: PyTorch {version.stdout.strip()}, {size / 2**30:.1f} GiB, "
          f"{time.time() - start:.0f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true",
                        help=f"make {BENCH_VENV.relative_to(ROOT)} with PyTorch and exit")
    parser.add_argument("--index-url", default=None, help="with --setup: pip index for torch")
    parser.add_argument("--quick", action="store_true", help="3 repeats and fewer batches")
    parser.add_argument("--shapes", choices=("course", "medium", "all"), default="all")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated cells")
    parser.add_argument("--implementations", default=",".join(IMPLEMENTATIONS),
                        help="comma-separated columns")
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default 7, quick 3)")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads of every implementation (default 1)")
    parser.add_argument("--venv", type=Path, default=BENCH_VENV, help="the PyTorch venv")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    if args.setup:
        setup(args.venv, args.index_url)
        return 0
    repeats = args.repeats if args.repeats is not None else (3 if args.quick else 7)
    kinds, implementations = args.kinds.split(","), args.implementations.split(",")
    for name, values, allowed in (("kinds", kinds, KINDS),
                                  ("implementations", implementations, IMPLEMENTATIONS)):
        if not set(values) <= set(allowed):
            parser.error(f"--{name} must be among {', '.join(allowed)}, got {','.join(values)}")
    if repeats < 1 or args.threads < 1:
        parser.error(f"--repeats and --threads must be >= 1, got {repeats}, {args.threads}")
    torch_missing = "torch" in implementations and torch_python(args.venv) is None
    if torch_missing:
        implementations.remove("torch")
    names = list(SHAPES) if args.shapes == "all" else [args.shapes]
    loads, start = [os.getloadavg()], time.time()
    results = {name: measure(name, implementations, kinds, repeats, args.threads, args.quick,
                             args.venv) for name in names}
    loads.append(os.getloadavg())
    text, status = report(results, kinds, implementations, repeats, args.threads, loads,
                          time.time() - start, torch_missing)
    print(text)
    if args.markdown:
        command = " ".join(["python scripts/benchmark.py", *(argv if argv is not None
                                                                else sys.argv[1:])])
        args.markdown.write_text(f"# Training-step benchmark\n\nMade by `{command}`.\n\n{text}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())

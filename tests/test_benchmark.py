"""scripts/benchmark.py: its arithmetic (time per step, ratios, bars, exit status) on made-up times,
its table, and that every implementation runs in a process of its own, TensorFlow and PyTorch
never in one (the probes start the real workers; PyTorch's only where build/venv-bench exists)."""
import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
spec = importlib.util.spec_from_file_location("benchmark", SCRIPTS / "benchmark.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

NAN = float("nan")


def results(course, torch=4.0, keras=10.0, shape="course"):
    """One shape's measure() result with LSTM times (min, median) in ms."""
    wall = {("LSTM", "course"): course, ("LSTM", "keras"): (keras, keras)}
    if torch is not None:
        wall[("LSTM", "torch")] = (torch, torch)
    return {shape: {"wall": wall, "cpu": wall, "first_call": {}, "versions": {},
                    "shape": benchmark.SHAPES[shape]}}


class TestPerStep:
    def test_difference_of_the_fastest_and_of_the_median_runs(self):
        few, many = [1.00, 0.90, 0.95], [2.50, 2.10, 2.20]  # seconds for 10 and 40 batches
        fastest, median = benchmark.per_step(few, many, 10, 40)
        assert fastest == pytest.approx(1000 * (2.10 - 0.90) / 30)
        assert median == pytest.approx(1000 * (2.20 - 0.95) / 30)

    def test_a_difference_at_or_below_zero_is_nan(self):
        fastest, median = benchmark.per_step([1.0, 2.0], [0.9, 2.5], 1, 4)
        assert math.isnan(fastest) and median > 0


class TestTable:
    def test_columns_ratios_and_cells(self):
        times = {("LSTM", "course"): (4.0, 5.0), ("LSTM", "keras"): (10.0, 10.0),
                 ("LSTM", "torch"): (5.0, 4.0), ("GRU", "course"): (NAN, 3.0)}
        lines = benchmark.table(times, ["LSTM", "GRU"], ["course", "keras", "torch"]).splitlines()
        assert lines[0] == "| cell | course | keras | torch | course / torch | course / keras |"
        assert lines[2] == ("| LSTM | 4.00 / 5.00 | 10.00 / 10.00 | 5.00 / 4.00 | 0.80 / 1.25 "
                            "| 0.40 / 0.50 |")
        assert lines[3] == "| GRU | noisy / 3.00 | - | - | - | - |"

    def test_no_torch_column_without_torch(self):
        header = benchmark.table({}, ["LSTM"], ["course", "keras"]).splitlines()[0]
        assert "torch" not in header and "course / keras" in header


class TestVerdicts:
    def test_pass_and_fail_against_each_bar(self):
        lines = benchmark.verdicts(results((3.8, 4.2)), torch_missing=False)
        assert lines[0] == ("PASS: course size, course LSTM / torch LSTM = 0.95 (bar <= 1.0; "
                            "median runs 1.05)")
        assert lines[1].startswith("PASS: course size, course LSTM / keras LSTM = 0.38 (bar <= 0.6")
        lines = benchmark.verdicts(results((4.4, 4.0)), torch_missing=False)
        assert lines[0].startswith("FAIL: course size, course LSTM / torch LSTM = 1.10")
        assert benchmark.exit_status(lines) == 1

    def test_medium_bars(self):
        lines = benchmark.verdicts(results((9.0, 9.0), torch=9.5, keras=9.0, shape="medium"),
                                   torch_missing=False)
        assert [line.split(":")[0] for line in lines] == ["PASS", "PASS"]
        assert "bar <= 1.0" in lines[1]

    def test_noise_and_missing_torch(self):
        noisy = benchmark.verdicts(results((NAN, 4.0)), torch_missing=False)
        assert all(line.startswith("NOISY") for line in noisy)
        assert benchmark.exit_status(noisy) == 2
        missing = benchmark.verdicts(results((3.0, 3.0), torch=None), torch_missing=True)
        assert missing[0].startswith("MISSING") and missing[1].startswith("PASS")
        assert benchmark.exit_status(missing) == 3
        assert benchmark.exit_status(["PASS: a", "PASS: b"]) == 0


def test_the_benchmark_extra_holds_torch():
    assert any(r.startswith("torch") for r in benchmark.benchmark_requirements())


def test_worker_commands_use_one_python_each(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").touch()
    shape = benchmark.SHAPES["course"]
    commands = {name: benchmark.worker_command(name, shape, ["LSTM"], 1, venv=tmp_path)
                for name in benchmark.IMPLEMENTATIONS}
    for name, command in commands.items():
        expected = tmp_path / "bin" / "python" if name == "torch" else Path(sys.executable)
        assert command[0] == str(expected) and command[2] == name
        worker_shape = json.loads(command[command.index("--shape") + 1])
        assert worker_shape["batches"] == benchmark.MANY * shape["batches"]
    with pytest.raises(FileNotFoundError, match="--setup"):
        benchmark.worker_command("torch", shape, ["LSTM"], 1, venv=tmp_path / "absent")


def test_the_script_itself_imports_no_framework():
    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location('b', "
            f"{str(SCRIPTS / 'benchmark.py')!r}); spec.loader.exec_module("
            "importlib.util.module_from_spec(spec)); "
            "print([m for m in ('tensorflow', 'torch', 'keras') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_each_implementation_is_a_process_with_one_framework():
    names = [n for n in benchmark.IMPLEMENTATIONS
             if n != "torch" or benchmark.torch_python() is not None]
    workers = benchmark.start_workers(names, benchmark.SHAPES["course"], ["LSTM"], 1, probe=True)
    for worker in workers.values():
        worker.close()
    ready = {name: worker.ready for name, worker in workers.items()}
    pids = {info["pid"] for info in ready.values()}
    assert len(pids) == len(names) and os.getpid() not in pids
    for name, info in ready.items():
        assert info["ready"] == name and info["threads"] == 1
        assert info["modules"] == (["torch"] if name == "torch" else ["tensorflow"])

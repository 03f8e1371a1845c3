"""Tests of the exercise checks of notebook 16: right answers pass, wrong ones get a hint."""

import itertools

from course_utils.check import speech as check


def collapse(frames):
    merged = [c for i, c in enumerate(frames) if i == 0 or c != frames[i - 1]]
    return tuple(c for c in merged if c != 0)


def test_ctc_path_count_matches_the_closed_count(capsys):
    # the forward recursion counts paths when every probability is 1
    assert check.ctc_path_count(35)
    assert check.ctc_path_count(5, labels=(1, 2), frames=3)
    paths = sum(collapse(p) == (1, 1) for p in itertools.product(range(2), repeat=5))
    assert check.ctc_path_count(paths, labels=(1, 1), frames=5)
    assert not check.ctc_path_count(4)  # e.g. only paths without leading/trailing blanks
    assert "too few" in capsys.readouterr().out
    assert not check.ctc_path_count(3**5)
    assert "too many" in capsys.readouterr().out
    assert not check.ctc_path_count("35")


def test_stft_frames(capsys):
    assert check.stft_frames(30)
    assert check.stft_frames(1 + (8000 - 400) // 200, samples=8000, frame_length=400,
                             frame_step=200)
    assert not check.stft_frames(4000 // 128)
    assert "last window" in capsys.readouterr().out
    assert not check.stft_frames(29)
    assert "off by one" in capsys.readouterr().out
    assert not check.stft_frames(None)


def test_greedy_collapse(capsys):
    assert check.greedy_collapse(collapse)
    assert not check.greedy_collapse(lambda frames: tuple(c for c in frames if c != 0))
    assert "merged first" in capsys.readouterr().out
    assert not check.greedy_collapse(lambda frames: collapse([c for c in frames if c != 0]))
    assert "blanks were removed before merging" in capsys.readouterr().out
    assert not check.greedy_collapse(lambda frames: frames)

    def broken(frames):
        raise NotImplementedError

    assert not check.greedy_collapse(broken)


def test_the_worked_solutions_pass():
    namespace = {}
    exec(SOLUTION_3, namespace)
    assert namespace["result"]


SOLUTION_3 = '''
def my_collapse(frames):
    labels, previous = [], None
    for c in frames:
        if c != previous and c != 0:
            labels.append(c)
        previous = c
    return tuple(labels)


from course_utils.check.speech import greedy_collapse

result = greedy_collapse(my_collapse)
'''

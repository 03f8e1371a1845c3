"""The spoken_digits loader, its checksums, read_wav's refusals and the transcript helpers."""

import shutil
import wave

import numpy as np
import pytest

from course_utils.data import common
from course_utils.data.speech import (
    ctc_targets,
    digits_to_words,
    join_digits,
    load_spoken_digits,
    pad_waveforms,
    read_wav,
    words_to_digits,
)


def write_wav(path, samples, rate=8000, channels=1, width=2):
    with wave.open(str(path), "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(width)
        file.setframerate(rate)
        file.writeframes(np.asarray(samples, "<i2").tobytes())
    return path


def test_the_splits_hold_out_one_speaker():
    train, test = load_spoken_digits("train"), load_spoken_digits("test")
    assert len(train.clips) == 450 and len(test.clips) == 90
    assert set(test.speakers) == {"jackson"} and "jackson" not in set(train.speakers)
    assert np.array_equal(np.bincount(train.digits), [45] * 10)
    assert all(c.dtype == np.float32 and np.abs(c).max() <= 1 for c in train.clips)
    assert train.files[0] == "0_george_0.wav" and train.digits[0] == 0
    assert train.sample_rate == 8000
    with pytest.raises(ValueError, match="split"):
        load_spoken_digits("validation")


def copy_dataset(tmp_path):
    source = common.data_root() / "spoken_digits"
    shutil.copytree(source, tmp_path / "spoken_digits")
    return tmp_path


def test_a_corrupted_recording_is_named(tmp_path):
    root = copy_dataset(tmp_path)
    path = root / "spoken_digits" / "recordings" / "3_theo_2.wav"
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    load_spoken_digits("test", data_dir=root)  # the other split does not read it
    with pytest.raises(ValueError, match=r"3_theo_2\.wav.*SHA-256.*generate\.py"):
        load_spoken_digits("train", data_dir=root)
    path.unlink()
    with pytest.raises(ValueError, match=r"3_theo_2\.wav is missing"):
        load_spoken_digits("train", data_dir=root)


def test_a_changed_manifest_is_named(tmp_path):
    root = copy_dataset(tmp_path)
    manifest = root / "spoken_digits" / "manifest.tsv"
    manifest.write_text(manifest.read_text().replace("jackson", "theo", 1))
    with pytest.raises(ValueError, match=r"manifest\.tsv has SHA-256"):
        load_spoken_digits("train", data_dir=root)


def test_read_wav_refuses_bad_files_naming_them(tmp_path):
    good = write_wav(tmp_path / "good.wav", [0, 1000, -1000, 32767])
    assert np.allclose(read_wav(good), np.array([0, 1000, -1000, 32767]) / 32768)
    cases = {
        "missing.wav": (None, "does not exist"),
        "text.wav": (lambda p: p.write_text("not audio"), "not a readable WAV"),
        "rate.wav": (lambda p: write_wav(p, [1, 2], rate=16000), "16000 Hz, expected 8000"),
        "stereo.wav": (lambda p: write_wav(p, [1, 2, 3, 4], channels=2), "2 channels"),
        "empty.wav": (lambda p: write_wav(p, []), "empty"),
        "silent.wav": (lambda p: write_wav(p, [0] * 100), "silent"),
    }
    for name, (make, message) in cases.items():
        path = tmp_path / name
        if make is not None:
            make(path)
        with pytest.raises(ValueError, match=message) as error:
            read_wav(path)
        assert name in str(error.value)
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(write_wav(tmp_path / "long.wav", range(1, 200)).read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"truncated\.wav is truncated: .*199 samples"):
        read_wav(truncated)
    cut_header = tmp_path / "cut.wav"
    cut_header.write_bytes(good.read_bytes()[:20])
    with pytest.raises(ValueError, match=r"cut\.wav is not a readable WAV"):
        read_wav(cut_header)


def test_words_and_digits():
    assert digits_to_words((4, 2, 7)) == "four two seven"
    assert words_to_digits("four two seven") == (4, 2, 7)
    assert words_to_digits(digits_to_words(range(10))) == tuple(range(10))
    with pytest.raises(ValueError, match="'for'"):
        words_to_digits("four for")
    with pytest.raises(ValueError, match="digit"):
        digits_to_words([10])


def test_join_digits_is_seeded_and_consistent():
    test = load_spoken_digits("test")
    first, again = join_digits(test, 20, seed=3), join_digits(test, 20, seed=3)
    assert first.transcripts == again.transcripts
    assert all(np.array_equal(a, b) for a, b in zip(first.waveforms, again.waveforms))
    assert first.transcripts != join_digits(test, 20, seed=4).transcripts
    lengths = {len(d) for d in first.digits}
    assert lengths <= {2, 3, 4, 5} and len(lengths) > 1
    for waveform, digits, transcript in zip(first.waveforms, first.digits, first.transcripts):
        assert words_to_digits(transcript) == digits
        assert waveform.dtype == np.float32
    padded = pad_waveforms(first.waveforms)
    assert padded.shape == (20, max(len(w) for w in first.waveforms))
    with pytest.raises(ValueError, match="length"):
        pad_waveforms(first.waveforms, length=10)
    targets = ctc_targets([(0, 9), (3, 3, 3)])
    assert targets.tolist() == [[1, 10, -1], [4, 4, 4]]

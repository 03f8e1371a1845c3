"""Copy the `spoken_digits` subset of the Free Spoken Digit Dataset (FSDD) and write its manifest.

    python datasets/spoken_digits/generate.py    # from ../shared/data/free-spoken-digit-dataset
    python datasets/spoken_digits/generate.py --source PATH/TO/free-spoken-digit-dataset

Standard library only; no randomness. For each of the 6 speakers, each digit 0-9 and the takes
0..8 (9 takes) the file `{digit}_{speaker}_{take}.wav` is copied byte for byte into
`recordings/` (540 files, original names). Every recording of the speaker `jackson` is the
test split; the other five speakers are the train split, so the test split is a voice the models
never heard. `manifest.tsv` lists, sorted by file name: split, file, digit, speaker, take, bytes
and the SHA-256 of the file; the SHA-256 of `manifest.tsv` itself is recorded in
`course_utils/data/common.py` (CHECKSUMS), so verifying the manifest and then every file against
it verifies the whole folder. The same source gives the same bytes.
"""
import argparse
import hashlib
import shutil
from pathlib import Path

SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
TEST_SPEAKERS = ("jackson",)
DIGITS = range(10)
TAKES = range(9)
HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "data" / "free-spoken-digit-dataset"
HEADER = "split\tfile\tdigit\tspeaker\ttake\tbytes\tsha256"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    source = parser.parse_args().source
    target = HERE / "recordings"
    target.mkdir(exist_ok=True)
    rows = []
    for speaker in SPEAKERS:
        for digit in DIGITS:
            for take in TAKES:
                name = f"{digit}_{speaker}_{take}.wav"
                shutil.copyfile(source / "recordings" / name, target / name)
                data = (target / name).read_bytes()
                split = "test" if speaker in TEST_SPEAKERS else "train"
                rows.append((split, name, str(digit), speaker, str(take), str(len(data)),
                             hashlib.sha256(data).hexdigest()))
    rows.sort(key=lambda row: row[1])
    text = "\n".join([HEADER] + ["\t".join(row) for row in rows]) + "\n"
    (HERE / "manifest.tsv").write_text(text, encoding="utf-8", newline="\n")
    total = sum(int(row[5]) for row in rows)
    print(f"{len(rows)} files, {total:,} bytes; source commit "
          f"{(source / 'SOURCE_COMMIT').read_text().split()[0]}")
    print(f"manifest.tsv SHA-256 {hashlib.sha256(text.encode()).hexdigest()}")


if __name__ == "__main__":
    main()

"""Generate `dates.tsv`: human-readable dates in many formats paired with their ISO 8601 form.

    python datasets/dates/generate.py            # rewrites datasets/dates/dates.tsv (seed 0)
    python datasets/dates/generate.py --seed 1 --output /tmp/dates.tsv

Standard library only. 7,000 distinct dates between 1950-01-01 and 2049-12-31 are drawn without
replacement; each is written in one of 16 formats chosen uniformly; the first 6,000 rows are the
train split and the last 1,000 the test split (so no test date appears in training). Weekday
names are the real weekday of the date. The same seed gives the same bytes. See README.md.
"""
import argparse
import datetime
import hashlib
import random
from collections import Counter
from pathlib import Path

SEED = 0
NUM_TRAIN, NUM_TEST = 6000, 1000
FIRST_DAY, LAST_DAY = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)
OUTPUT = Path(__file__).resolve().parent / "dates.tsv"
HEADER = "split\tformat\tsource\ttarget"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(day):
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def formats(date):
    """Every format name -> the date written that way."""
    d, m, y = date.day, date.month, date.year
    month, mon = MONTHS[m - 1], MONTHS[m - 1][:3]
    weekday = WEEKDAYS[date.weekday()]
    return {
        "d_month_y": f"{d} {month} {y}",                 # 3 March 2021
        "dd_mon_y": f"{d:02d} {mon} {y}",                # 03 Mar 2021
        "month_d_y": f"{month} {d}, {y}",                # March 3, 2021
        "mon_d_y": f"{mon} {d}, {y}",                    # Mar 3, 2021
        "mon_dot_d_y": f"{mon}. {d}, {y}",               # Mar. 3, 2021
        "ordinal_of_month_y": f"{ordinal(d)} of {month} {y}",   # 3rd of March 2021
        "month_ordinal_y": f"{month} {ordinal(d)}, {y}",        # March 3rd, 2021
        "weekday_d_month_y": f"{weekday}, {d} {month} {y}",     # Wednesday, 3 March 2021
        "wkd_mon_d_y": f"{weekday[:3]}, {mon} {d}, {y}",        # Wed, Mar 3, 2021
        "dotted_dmy": f"{d:02d}.{m:02d}.{y}",            # 03.03.2021 (day first)
        "slashed_ymd": f"{y}/{m:02d}/{d:02d}",           # 2021/03/03
        "iso": date.isoformat(),                         # 2021-03-03
        "compact_ymd": f"{y}{m:02d}{d:02d}",             # 20210303
        "d_mon_y_dashed": f"{d}-{mon}-{y}",              # 3-Mar-2021
        "upper_month_d_y": f"{month.upper()} {d} {y}",   # MARCH 3 2021
        "lower_d_month_y": f"{d} {month.lower()} {y}",   # 3 march 2021
    }


FORMAT_NAMES = list(formats(FIRST_DAY))


def generate(seed=SEED):
    """Return the text of dates.tsv for `seed` (a str ending with a newline)."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days + 1
    offsets = rng.sample(range(span), NUM_TRAIN + NUM_TEST)
    lines = [HEADER]
    for index, offset in enumerate(offsets):
        date = FIRST_DAY + datetime.timedelta(days=offset)
        name = rng.choice(FORMAT_NAMES)
        split = "train" if index < NUM_TRAIN else "test"
        lines.append(f"{split}\t{name}\t{formats(date)[name]}\t{date.isoformat()}")
    return "\n".join(lines) + "\n"


def summary(text):
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    splits = Counter(row[0] for row in rows)
    lengths = [len(row[2]) for row in rows]
    per_format = Counter(row[1] for row in rows)
    return (f"rows per split {dict(splits)}; source length {min(lengths)}..{max(lengths)} "
            f"characters; rows per format {min(per_format.values())}..{max(per_format.values())}; "
            f"characters {sorted(set(''.join(row[2] for row in rows)))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = generate(args.seed).encode("utf-8")
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes), sha256 {hashlib.sha256(data).hexdigest()}")
    print(summary(data.decode("utf-8")))


if __name__ == "__main__":
    main()

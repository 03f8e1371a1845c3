"""Generate `agreement.tsv`: short toy-English stories whose last pronoun and verb must agree with
a subject introduced earlier, across clauses and sentences.

    python datasets/agreement/generate.py     # rewrites datasets/agreement/agreement.tsv (seed 0)

Standard library only. A story is

    introduction   "Saman studies at UOM."              the subject: a man, a woman or a group
    fillers        "The trains are always late."        0-3 sentences about places and things
    shift (half)   "His sister studies at UOC."         possessive agrees with the old subject,
                                                        the relative becomes the new subject
    fillers        "It rains a lot in May."             0-2 more (only after a shift)
    final          "She studies law."                   pronoun + verb agree with the subject

Fillers have subjects of their own ("The trains are ...", "Everyone there loves ...") that the
final verb must *not* agree with. The final pronoun is He, She or They, each for exactly a third
of the stories in each split (drawn before the words); in half of the stories the subject changes
before the end. Columns: split, label (he/she/they), distance (characters from the end of the
subject's mention to the pronoun), shifted (1 if the subject changed), pronoun_start (character
offset of the final pronoun in the story), candidates (the three possible starts of the final
sentence, "He studies|She studies|They study", in label order, for scoring a language model),
story. The first 2,400 rows are the train split, the
last 600 the test split. The same seed gives the same bytes.
"""
import argparse
import hashlib
import random
from collections import Counter
from pathlib import Path

SEED = 0
NUM_TRAIN, NUM_TEST = 2400, 600
OUTPUT = Path(__file__).resolve().parent / "agreement.tsv"
HEADER = "split\tlabel\tdistance\tshifted\tpronoun_start\tcandidates\tstory"
LABELS = ("he", "she", "they")
PRONOUN = {"he": "He", "she": "She", "they": "They"}
POSSESSIVE = {"he": "His", "she": "Her", "they": "Their"}

MEN = ["Dan", "Saman", "Omar", "Ravi", "Tom", "Leo", "Ivan", "Kofi", "Marco", "Yusuf", "Hugo",
       "Kenji"]
WOMEN = ["Anna", "Maya", "Sara", "Nila", "Eva", "Lena", "Amal", "Priya", "Chloe", "Ines", "Yuki",
         "Zara"]
GROUPS = ["The twins", "The students", "Our neighbours", "The Silvas"]
RELATIVES = {"he": ["brother", "father", "uncle", "son", "cousin Ali"],
             "she": ["sister", "mother", "aunt", "daughter", "cousin Mia"],
             "they": ["parents", "cousins", "friends", "children", "grandparents"]}
COUNTRIES = [("France", "French"), ("Spain", "Spanish"), ("Japan", "Japanese"),
             ("Germany", "German"), ("Brazil", "Portuguese"), ("Italy", "Italian"),
             ("Egypt", "Arabic"), ("Kenya", "Swahili"), ("China", "Chinese"),
             ("Russia", "Russian"), ("Sri Lanka", "Sinhala"), ("Greece", "Greek")]
CITIES = ["Paris", "Madrid", "Tokyo", "Berlin", "Lisbon", "Rome", "Cairo", "Nairobi", "Colombo",
          "Athens", "Oslo", "Lima"]
UNIVERSITIES = ["UOM", "UOC", "UCL", "MIT", "ETH", "KTH", "EPFL", "NUS"]
MONTHS = ["January", "March", "May", "July", "October", "December"]

# (singular verb, plural verb, complement choices); {country} {city} {uni} are filled in.
SITUATIONS = [("grew up", "grew up", ["in {country}"]),
              ("was born", "were born", ["in {city}"]),
              ("lives", "live", ["in {city}", "near {city}"]),
              ("studies", "study", ["at {uni}"]),
              ("works", "work", ["in {city}", "at {uni}"])]
FINALS = [("speaks", "speak", ["fluent {language}", "a little {language}"]),
          ("studies", "study", ["law", "medicine", "physics", "music", "history"]),
          ("likes", "like", ["chess", "tennis", "jazz", "cooking", "long walks"]),
          ("plays", "play", ["the piano", "the guitar", "football"]),
          ("has", "have", ["two cats", "a small garden", "a red bicycle"]),
          ("is", "are", ["very happy there", "always busy", "never late"])]
FILLERS = ["{city} is a big city.", "The winters there are cold.", "The summers are long.",
           "It rains a lot in {month}.", "The trains are always late.", "The food is very good.",
           "The streets are quiet at night.", "Everyone there loves football.",
           "The museums are free on Sundays.", "The old bridge is famous."]


def fill(template, rng, place):
    return template.format(country=place[0], language=place[1], city=rng.choice(CITIES),
                           uni=rng.choice(UNIVERSITIES), month=rng.choice(MONTHS))


def subject(label, rng):
    if label == "he":
        return rng.choice(MEN)
    if label == "she":
        return rng.choice(WOMEN)
    if rng.random() < 0.5:
        first, second = rng.sample(MEN + WOMEN, 2)
        return f"{first} and {second}"
    return rng.choice(GROUPS)


def clause(label, choices, rng, place):
    """Verb (agreeing with `label`) + complement, e.g. 'studies at UOM'."""
    singular, plural, complements = rng.choice(choices)
    verb = plural if label == "they" else singular
    return f"{verb} {fill(rng.choice(complements), rng, place)}"


def fillers(count, rng, place):
    return [fill(template, rng, place) for template in rng.sample(FILLERS, count)]


def story(label, shifted, rng):
    """Return (story, distance, pronoun_start, candidates) for a story ending in pronoun `label`."""
    place = rng.choice(COUNTRIES)
    first_label = rng.choice(LABELS) if shifted else label
    name = subject(first_label, rng)
    sentences = [f"{name} {clause(first_label, SITUATIONS, rng, place)}."]
    mention_end = len(name)                           # end of the current subject's mention
    sentences += fillers(rng.randint(0, 3), rng, place)
    if shifted:
        relative = rng.choice(RELATIVES[label])
        prefix = " ".join(sentences) + f" {POSSESSIVE[first_label]} {relative}"
        sentences.append(f"{POSSESSIVE[first_label]} {relative} "
                         f"{clause(label, SITUATIONS, rng, place)}.")
        mention_end = len(prefix)
        sentences += fillers(rng.randint(0, 2), rng, place)
    body = " ".join(sentences)
    pronoun_start = len(body) + 1
    singular, plural, complements = rng.choice(FINALS)
    starts = {option: f"{PRONOUN[option]} {plural if option == 'they' else singular}"
              for option in LABELS}                   # "He studies", "She studies", "They study"
    text = f"{body} {starts[label]} {fill(rng.choice(complements), rng, place)}."
    return text, pronoun_start - mention_end, pronoun_start, "|".join(starts.values())


def generate(seed=SEED):
    """Return the text of agreement.tsv for `seed` (a str ending with a newline)."""
    rng = random.Random(seed)
    lines = [HEADER]
    for split, total in (("train", NUM_TRAIN), ("test", NUM_TEST)):
        plan = [(LABELS[i % 3], (i // 3) % 2 == 1) for i in range(total)]   # balanced labels
        rng.shuffle(plan)
        for label, shifted in plan:
            text, distance, start, candidates = story(label, shifted, rng)
            lines.append(f"{split}\t{label}\t{distance}\t{int(shifted)}\t{start}\t{candidates}"
                         f"\t{text}")
    return "\n".join(lines) + "\n"


def summary(text):
    rows = [line.split("\t") for line in text.splitlines()[1:]]
    lines = []
    for split in ("train", "test"):
        part = [row for row in rows if row[0] == split]
        distances = sorted(int(row[2]) for row in part)
        lengths = [len(row[6]) for row in part]
        lines.append(f"{split}: {len(part)} stories, labels {dict(Counter(r[1] for r in part))}, "
                     f"shifted {sum(int(r[3]) for r in part)}, distance {distances[0]}.."
                     f"{distances[-1]} (median {distances[len(distances) // 2]}), story length "
                     f"{min(lengths)}..{max(lengths)}, characters {sum(lengths)}")
    lines.append("characters used: " + "".join(sorted(set("".join(r[6] for r in rows)))))
    return "\n".join(lines)


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

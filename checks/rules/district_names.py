"""How surely two names written by people name the same school district (pure, no I/O).

A name is evidence, never proof: dozens of "Franklin" and "Greenville" districts exist, so step 1
only uses this score to choose which tenants to look at, and decides from their rosters.
Before comparing, the usual ways of writing the same district are folded (see
../shared/reference/pivot-licenses-and-districts.md): `Co.`/`County`, `Mt.`/`Mount`,
`St.`/`Saint`, `S.D.`/`School District`, "The School District of X", "No. 15"/"#15"/"D15",
hyphens and ampersands; then the words every district name has are dropped.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

# Abbreviations of place words, after dots are removed and text is lower-cased.
_PLACE_WORDS = {"co": "county", "cnty": "county", "mt": "mount", "st": "saint", "ste": "sainte",
                "ft": "fort", "pt": "point", "twp": "township", "reg": "regional",
                "cons": "consolidated", "n": "north", "s": "south", "e": "east", "w": "west"}
# Words that say what kind of body it is, not which one; dropped before comparing. Place
# words ("county", "city", "parish") stay: Jefferson City is not Jefferson County.
_KIND_WORDS = frozenset(
    "the of and school schools district districts dist sch unified public independent "
    "consolidated community central local exempted village high elementary "
    "area joint unit board education regional isd usd cusd sd csd cisd uhsd esd ps "
    "academy academies charter k12 no number".split()
)
_DISTRICT_NUMBER = re.compile(r"(?:\bdistrict|\bno|\bnumber|#|\bd)\s*(\d+)\b")


def district_name_score(a: str, b: str) -> float:
    """0..100; 0 when either name has nothing distinctive left (e.g. "School District")."""
    x, y = distinctive_words(a), distinctive_words(b)
    if not x or not y:
        return 0.0
    if _numbers(x) != _numbers(y):
        return 0.0  # "District 15" is not "District 51", however alike the rest
    return float(fuzz.token_sort_ratio(" ".join(x), " ".join(y)))


def distinctive_words(name: str) -> list[str]:
    """The words that tell this district from others, folded to one spelling."""
    text = name.casefold().replace("&", " and ")
    text = re.sub(r"(?<=\b[a-z])\.(?=\s*[a-z]\b\.?)", "", text)  # S.D. -> SD, I.S.D. -> ISD
    text = text.replace(".", " ")
    text = _DISTRICT_NUMBER.sub(r" \1 ", text)
    words = re.findall(r"[a-z0-9]+", text)
    words = _join_spelled_abbreviations(words)
    folded = [_PLACE_WORDS.get(w, w) for w in words]
    return [w for w in folded if w not in _KIND_WORDS]


def _join_spelled_abbreviations(words: list[str]) -> list[str]:
    """`s d` -> `sd` (from "S. D."), so the kind abbreviation is dropped rather than read as
    South/Direction letters; single letters elsewhere are kept."""
    out: list[str] = []
    i = 0
    while i < len(words):
        run = i
        while run < len(words) and len(words[run]) == 1 and words[run].isalpha():
            run += 1
        if run - i >= 2 and "".join(words[i:run]) in _KIND_WORDS:
            out.append("".join(words[i:run]))
            i = run
            continue
        out.append(words[i])
        i += 1
    return out


def _numbers(words: list[str]) -> set[str]:
    return {w.lstrip("0") or "0" for w in words if w.isdigit()}

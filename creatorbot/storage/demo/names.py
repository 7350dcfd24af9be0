"""Name pools and vectorized makers of display names, handles, staff and contact details."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

STR = np.dtypes.StringDType()

# Malaysia: Malay names use the father's name as a surname, Chinese-Malaysian names put the
# family name first (or follow a Western given name), Indian-Malaysian names follow the given name.
MALAY_FIRST = (
    "Aisyah", "Nurul", "Siti", "Farah", "Aina", "Syafiqah", "Izzati", "Amira", "Hana", "Balqis",
    "Alya", "Sofea", "Qistina", "Nabila", "Athirah", "Hidayah", "Zulaikha", "Damia", "Haziq",
    "Aiman", "Hafiz", "Amirul", "Faris", "Irfan", "Danial", "Syahmi", "Hakim", "Luqman",
    "Iskandar", "Firdaus", "Adam", "Aqil",
)  # fmt: skip
MALAY_LAST = (
    "Rahman", "Ismail", "Abdullah", "Hassan", "Ibrahim", "Yusof", "Osman", "Hamid", "Aziz",
    "Razak", "Salleh", "Zakaria", "Kamal", "Rashid", "Halim", "Mohd Noor", "Hussin", "Jaafar",
)  # fmt: skip
CHINESE_FAMILY = (
    "Tan", "Lim", "Lee", "Ng", "Wong", "Chong", "Ong", "Teh", "Goh", "Chan", "Yap", "Khoo",
    "Loh", "Cheah", "Low", "Chin", "Liew", "Foo",
)  # fmt: skip
CHINESE_GIVEN = (
    "Mei Ling", "Wei Jie", "Jia Hui", "Zi Xuan", "Kai Wen", "Xin Yi", "Jun Hao", "Hui Min",
    "Yi Ting", "Wen Qi", "Chee Keong", "Siew Mei", "Li Ying", "Jia Wei", "Pei Shan", "Zhi Hao",
)  # fmt: skip
WESTERN_GIVEN = (
    "Jason", "Michelle", "Renée", "Chloé", "Joanne", "Kelvin", "Eugene", "Rachel", "Crystal",
    "Desmond", "Zoë", "Vanessa", "Bryan", "Cheryl", "Amélie", "Nicole",
)  # fmt: skip
INDIAN_FIRST = (
    "Priya", "Kavitha", "Divya", "Anitha", "Thivya", "Nisha", "Arjun", "Ravi", "Suresh",
    "Vikram", "Ganesh", "Deepa", "Shalini", "Harish", "Prakash", "Meera", "Yuvan", "Sangeetha",
)  # fmt: skip
INDIAN_LAST = (
    "Subramaniam", "Raj", "Krishnan", "Muthu", "Nair", "Pillai", "Ramasamy", "Selvaraj",
    "Chandran", "Govindasamy", "Maniam", "Menon", "Arumugam", "Devan",
)  # fmt: skip

ITALIAN_FIRST = (
    "Giulia", "Chiara", "Francesca", "Sofia", "Aurora", "Martina", "Beatrice", "Ludovica",
    "Alessia", "Sara", "Noemi", "Ginevra", "Greta", "Matilde", "Gaia", "Benedetta", "Irene",
    "Elena", "Zoë", "Niccolò", "Nicolò", "Noè", "Mosè", "Mattia", "Gabriele", "Lorenzo",
    "Leonardo", "Tommaso", "Andrea", "Riccardo", "Federico", "Elia", "Pietro", "Davide",
)  # fmt: skip
ITALIAN_LAST = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano", "Mancini", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Caruso", "Galli", "Leone",
    "D'Angelo", "D'Amico", "Dell'Acqua", "D'Alessandro", "Dell'Orto", "La Rosa", "Ferrà", "Pò",
    "Cantù", "Minà", "Falcò", "Pirrò", "Sciarrà", "Gallò",
)  # fmt: skip

# Words a creator puts in a handle, by category and market.
HANDLE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "MY": {
        "beauty": ("beauty", "glow", "cantik", "makeup"),
        "fashion": ("style", "fesyen", "ootd"),
        "home": ("home", "rumah", "deco"),
        "food": ("eats", "dapur", "makan"),
        "electronics": ("tech", "gadget"),
        "mother_baby": ("mama", "baby"),
        "sports": ("fit", "sukan"),
        "health": ("sihat", "wellness"),
    },
    "IT": {
        "beauty": ("beauty", "trucco", "skincare"),
        "fashion": ("moda", "style", "outfit"),
        "home": ("casa", "home"),
        "food": ("cucina", "food"),
        "electronics": ("tech", "gadget"),
        "mother_baby": ("mamma", "baby"),
        "sports": ("fit", "sport"),
        "health": ("benessere", "salute"),
    },
}

# Creator managers and account managers of each market's team.
STAFF: dict[str, dict[str, tuple[str, ...]]] = {
    "MY": {
        "cm": ("Nurul Huda", "Jason Lim", "Kavitha Raman", "Farah Aziz", "Tan Wei Ling"),
        "am": ("Hafiz Rahman", "Michelle Ong", "Arjun Nair"),
    },
    "IT": {
        "cm": ("Giulia Rossi", "Niccolò Galli", "Chiara Conti", "Federica Marino"),
        "am": ("Lorenzo Ricci", "Benedetta Colombo", "Martina Greco"),
    },
}

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


def ascii_slug(text: str) -> str:
    """Lowercase ASCII letters only: 'Niccolò' → 'niccolo', "D'Angelo" → 'dangelo'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@dataclass(frozen=True)
class People:
    """Display names plus the ASCII stems a creator builds a handle from."""

    display: np.ndarray
    first: np.ndarray
    last: np.ndarray


def _pool(names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(names, dtype=STR), np.array([ascii_slug(n) for n in names], dtype=STR)


def _pick(rng: np.random.Generator, names: tuple[str, ...], n: int) -> tuple[np.ndarray, ...]:
    shown, slug = _pool(names)
    idx = rng.integers(0, len(names), n)
    return shown[idx], slug[idx]


def _join(*parts: np.ndarray | str) -> np.ndarray:
    out: np.ndarray | str = parts[0]
    for part in parts[1:]:
        out = np.strings.add(out, part)
    assert isinstance(out, np.ndarray)
    return out


def people(rng: np.random.Generator, market: str, n: int) -> People:
    """`n` real-looking people of `market`: Malay, Chinese- and Indian-Malaysian, or Italian."""
    if market == "IT":
        first, first_slug = _pick(rng, ITALIAN_FIRST, n)
        last, last_slug = _pick(rng, ITALIAN_LAST, n)
        return People(_join(first, " ", last), first_slug, last_slug)
    group = rng.choice(3, size=n, p=[0.55, 0.30, 0.15])
    m_first, m_first_slug = _pick(rng, MALAY_FIRST, n)
    m_last, m_last_slug = _pick(rng, MALAY_LAST, n)
    family, family_slug = _pick(rng, CHINESE_FAMILY, n)
    given, given_slug = _pick(rng, CHINESE_GIVEN, n)
    western, western_slug = _pick(rng, WESTERN_GIVEN, n)
    i_first, i_first_slug = _pick(rng, INDIAN_FIRST, n)
    i_last, i_last_slug = _pick(rng, INDIAN_LAST, n)
    westernised = rng.random(n) < 0.45
    chinese = np.where(westernised, _join(western, " ", family), _join(family, " ", given))
    chinese_first = np.where(westernised, western_slug, given_slug)
    display = np.where(
        group == 0,
        _join(m_first, " ", m_last),
        np.where(group == 1, chinese, _join(i_first, " ", i_last)),
    )
    first = np.where(group == 0, m_first_slug, np.where(group == 1, chinese_first, i_first_slug))
    last = np.where(group == 0, m_last_slug, np.where(group == 1, family_slug, i_last_slug))
    return People(display, first, last)


def handles(rng: np.random.Generator, who: People, words: np.ndarray) -> np.ndarray:
    """Lowercase ASCII handles like `aisyah.beauty_12`, unique within the given people."""
    n = len(words)
    num = rng.integers(1, 100, n).astype(STR)
    style = rng.choice(6, size=n, p=[0.35, 0.15, 0.15, 0.1, 0.15, 0.1])
    shapes = (
        _join(who.first, ".", words, "_", num),
        _join(who.first, "_", words),
        _join(who.first, who.last),
        _join(words, "by", who.first),
        _join(who.first, ".", who.last, num),
        _join(who.first, words, num),
    )
    out = shapes[0]
    for k in range(1, len(shapes)):
        out = np.where(style == k, shapes[k], out)
    return _deduplicate(rng, out)


def _deduplicate(rng: np.random.Generator, handle: np.ndarray) -> np.ndarray:
    """Give every repeated handle a numeric suffix, until no two are the same."""
    while True:
        repeat = pd.Series(handle.astype(object)).duplicated().to_numpy()
        if not repeat.any():
            return handle
        suffix = rng.integers(2, 1000, int(repeat.sum())).astype(STR)
        handle = handle.copy()
        handle[repeat] = _join(handle[repeat], suffix)


def phones(rng: np.random.Generator, market: str, n: int) -> np.ndarray:
    """Mobile numbers in the market's written format (+60 12-345 6789, +39 347 123 4567)."""
    if market == "IT":
        return _join(
            "+39 3",
            np.strings.zfill(rng.integers(20, 100, n).astype(STR), 2),
            " ",
            np.strings.zfill(rng.integers(0, 1000, n).astype(STR), 3),
            " ",
            np.strings.zfill(rng.integers(0, 10_000, n).astype(STR), 4),
        )
    return _join(
        "+60 1",
        rng.choice(np.array(["0", "1", "2", "3", "6", "7", "8", "9"], dtype=STR), n),
        "-",
        rng.integers(200, 1000, n).astype(STR),
        " ",
        np.strings.zfill(rng.integers(0, 10_000, n).astype(STR), 4),
    )


def emails(rng: np.random.Generator, handle: np.ndarray) -> np.ndarray:
    """Contact addresses on reserved example domains, so no real inbox is ever named."""
    domains = np.array(EMAIL_DOMAINS, dtype=STR)
    local = np.strings.replace(handle, ".", "_")
    return _join(local, "@", domains[rng.integers(0, len(domains), len(handle))])

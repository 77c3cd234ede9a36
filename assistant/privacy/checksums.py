"""Check digits of the identifiers we recognise: a match that fails its check is no match."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def luhn(text: str) -> bool:
    """Payment cards (ISO/IEC 7812): 13-19 digits, Luhn mod 10."""
    number = digits(text)
    if not 13 <= len(number) <= 19 or len(set(number)) == 1:
        return False
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban(text: str) -> bool:
    """ISO 13616: the country and check digits moved to the end, letters as 10-35, mod 97 is 1."""
    code = _NOT_ALNUM.sub("", text).upper()
    if not 15 <= len(code) <= 34 or not code[:2].isalpha() or not code[2:4].isdigit():
        return False
    if code[:2] == "GB" and len(code) != 22:
        return False
    moved = code[4:] + code[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def nhs_number(text: str) -> bool:
    """NHS number: 10 digits, weights 10..2 on the first nine, 11 - (sum mod 11); 10 is invalid."""
    number = digits(text)
    if len(number) != 10 or len(set(number)) == 1:
        return False
    check = 11 - sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


_NINO = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")


def nino(text: str) -> bool:
    """National Insurance number: two prefix letters (not D, F, I, Q, U, V; no O second;
    not BG, GB, NK, KN, TN, NT, ZZ), six digits, a suffix A-D."""
    return bool(_NINO.match(_NOT_ALNUM.sub("", text).upper()))


_MPAN_PRIMES = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)


def mpan_core(text: str) -> bool:
    """Electricity meter point (MPAN core, 13 digits): a distributor id 10-23, and the
    13th digit is sum(digit x prime) mod 11 mod 10 over the first twelve."""
    number = digits(text)[-13:]
    if len(number) != 13 or not 10 <= int(number[:2]) <= 23:
        return False
    total = sum(int(d) * p for d, p in zip(number[:12], _MPAN_PRIMES, strict=True))
    return total % 11 % 10 == int(number[12])


def sort_code(text: str) -> bool:
    """A UK sort code: six digits, not all the same (00-00-00 is a placeholder)."""
    number = digits(text)
    return len(number) == 6 and len(set(number)) > 1

"""PII redaction for message text: pure functions, no I/O.

`redact(text)` replaces e-mail addresses, phone numbers, payment-card numbers, IBANs and street
addresses with typed placeholders (`[EMAIL]`, `[PHONE]`, `[CARD]`, `[IBAN]`, `[ADDRESS]`).
`find_pii(text)` returns the spans, for tests, benchmarks and highlighting. Names are kept on
purpose: the personalisation rubric checks that agents use the customer's first name.

Precision matters as much as recall here: a redactor that eats order numbers, dates or amounts
makes transcripts useless to reviewers. So candidates are checked, not just matched:
- cards must pass the Luhn checksum, have 13-19 digits and a card-network prefix (Visa,
  Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir, RuPay, Troy, UATP...);
- IBANs must be of a country in the SWIFT IBAN registry (python-stdnum's copy: every country),
  have its length and pass the ISO 13616 mod-97 check;
- phone-like digit runs are rejected when the words just before them name another kind of
  number (order, invoice, tracking, ref...), when they read as a date, and when an unformatted
  run has neither a phone prefix (+, 00, a national trunk 0) nor a phone word nearby; an
  international number must be a possible number for its country code, and a locally written
  one ("my number is 98765 43210") is accepted when `phonenumbers` finds it valid in one of
  the regions in `PHONE_REGIONS`;
- street addresses need a house number, a street name and a street suffix; lower-case and
  ambiguous suffixes ("way", "place") need capitalised names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from stdnum import numdb
from stdnum.iso7064 import mod_97_10

PLACEHOLDERS = {
    "EMAIL": "[EMAIL]",
    "PHONE": "[PHONE]",
    "CARD": "[CARD]",
    "IBAN": "[IBAN]",
    "ADDRESS": "[ADDRESS]",
}
# Overlaps are resolved in this order (an IBAN contains digit runs that look like phones...).
PRIORITY = ("IBAN", "CARD", "EMAIL", "PHONE", "ADDRESS")


@dataclass(frozen=True, slots=True)
class PiiSpan:
    kind: str  # EMAIL | PHONE | CARD | IBAN | ADDRESS
    start: int
    end: int


# ---- e-mail --------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}(?![\w-])"
)
# "jane.doe (at) example (dot) com", "jane [at] example [dot] com"
_EMAIL_OBFUSCATED = re.compile(
    r"(?<![\w.])[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\s*[\[(]\s*at\s*[\])]\s*[A-Za-z0-9-]+"
    r"(?:\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[A-Za-z]{2,24})+\b",
    re.IGNORECASE,
)


# "report@2x.png" is a file name (retina-image convention), not an address.
_FILE_EXTENSIONS = frozenset("png jpg jpeg gif svg webp pdf bmp tif tiff heic".split())


def _emails(text: str) -> list[PiiSpan]:
    if "@" not in text and "at" not in text.lower():
        return []
    spans = [
        PiiSpan("EMAIL", m.start(), m.end())
        for m in _EMAIL.finditer(text)
        if m.group().rsplit(".", 1)[-1].lower() not in _FILE_EXTENSIONS
    ]
    spans += [PiiSpan("EMAIL", m.start(), m.end()) for m in _EMAIL_OBFUSCATED.finditer(text)]
    return spans


# ---- payment cards -------------------------------------------------------------------------

# 13-19 digits, optionally grouped by single spaces or dashes (4-4-4-4, 4-6-5, 4-4-4-4-3...).
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d])")


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) checksum used by every card network."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    # Issuer prefixes in use: UATP 1 (15 digits); Mir 2200-2204; Mastercard 2221-2720 and 51-55;
    # Amex 34/37, Diners 30/36/38, JCB 35, RuPay 353/356; Visa 4; Maestro, Verve, Dankort 50,
    # 56-58; Discover, UnionPay, RuPay, Elo, Hipercard 6x; RuPay 81-82; Troy 9792.
    first = digits[0]
    if first in "3456":
        return True
    if first == "1":
        return len(digits) == 15
    if first == "2":
        return 2200 <= int(digits[:4]) <= 2204 or 2221 <= int(digits[:4]) <= 2720
    if first == "8":
        return digits[:2] in ("81", "82")
    return digits.startswith("9792")


# Other Luhn-checked numbers: an IMEI (15 digits) passes the card check, so does many a serial.
_NOT_CARD_BEFORE = re.compile(
    r"\b(?:imei|serial|tracking|barcode|ean|isbn|order|invoice|ticket)\b[^\d]{0,20}$", re.IGNORECASE
)


def _cards(text: str) -> list[PiiSpan]:
    spans = []
    for match in _CARD.finditer(text):
        if _NOT_CARD_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        raw = match.group()
        separators = {c for c in raw if not c.isdigit()}
        if len(separators) > 1:
            continue  # "1234 5678-9012 3456": mixed separators are not how cards are written
        digits = re.sub(r"\D", "", raw)
        if 13 <= len(digits) <= 19 and _card_prefix_ok(digits) and luhn_valid(digits):
            spans.append(PiiSpan("CARD", match.start(), match.end()))
    return spans


# ---- IBAN ----------------------------------------------------------------------------------


def _registry_lengths() -> dict[str, int]:
    """IBAN length per country of the SWIFT IBAN registry, from python-stdnum's copy of it."""
    lengths = {}
    for _, country, _, properties, _ in numdb.get("iban").prefixes:
        layout = properties.get("bban", "")
        lengths[country] = 4 + sum(int(n) for n in re.findall(r"(\d+)!", layout))
    return lengths


IBAN_LENGTHS = _registry_lengths()
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})(?=[ -]?[A-Za-z0-9])")


def iban_valid(iban: str) -> bool:
    """An IBAN of a registry country: its length and the ISO 13616 mod-97 check (python-stdnum).
    The national layout (a bank code of letters...) is not required: a number that passes
    mod 97 at the right length is an account number whatever its bank code, and redacting it
    is what matters."""
    iban = iban.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isalnum():
        return False
    return mod_97_10.is_valid(iban[4:] + iban[:4])


def _ibans(text: str) -> list[PiiSpan]:
    spans = []
    for match in _IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(match.group(1).upper())
        if length is None:
            continue
        # Walk forward collecting exactly `length` characters, allowing single spaces/dashes.
        chars = [*match.group(1), *match.group(2)]
        position = match.end()
        while len(chars) < length and position < len(text):
            char = text[position]
            if char.isascii() and char.isalnum():
                chars.append(char)
            elif char in " -" and position + 1 < len(text) and text[position + 1].isalnum():
                pass
            else:
                break
            position += 1
        if len(chars) != length:
            continue
        if position < len(text) and text[position].isascii() and text[position].isalnum():
            continue  # runs on: not this IBAN
        if iban_valid("".join(chars)):
            spans.append(PiiSpan("IBAN", match.start(), position))
    return spans


# ---- phone numbers -------------------------------------------------------------------------

# Digit runs that may be phone numbers: an optional + or 00 country code, then groups of digits
# separated by one space, dash, dot or slash, with optional parentheses around an area code.
_PHONE = re.compile(
    r"(?<![\w+/.-])"
    r"(?:\+|00)?"
    r"(?:\(\d{1,5}\)[ .-]?|\d{1,5}[ .\-/]?(?:\(0\)[ ]?)?)"
    r"(?:\(?\d{1,5}\)?[ .\-/]?){1,5}"
    r"\d"
    r"(?![\w])"
)
# Words that say the number is something else when they come just before it.
_OTHER_NUMBER_BEFORE = re.compile(
    r"\b(?:order|orders|invoice|inv|ref|reference|tracking|track|ticket|case|booking|"
    r"confirmation|transaction|txn|sku|item|model|serial|policy|account|acct|customer|member|"
    r"membership|loyalty|voucher|coupon|receipt|shipment|parcel|package|awb|claim|rma|return|"
    r"po|pnr|imei|batch|lot|quote|contract|postcode|zip|version|barcode|ean|isbn)"
    r"\s*(?:number|no\.?|nr\.?|num\.?|id|code|#)?\s*(?:is|was|:|#|=)?\s*[#:]?\s*$",
    re.IGNORECASE,
)
# Words that say the number IS a phone number.
_PHONE_WORD = re.compile(
    r"\b(?:call|called|calling|phone|phoned|mobile|cell|cellphone|tel|telephone|landline|"
    r"whatsapp|sms|text(?:ed)?|ring|dial|fax|reach(?:ed)?|contact|hotline|helpline|"
    r"callback|call-back)\b",
    re.IGNORECASE,
)
# "my number is", "your new mobile no." : a number that belongs to a person is a phone number.
_MY_NUMBER_BEFORE = re.compile(
    r"\b(?:my|your|his|her|our|their|new|best|direct|personal|home|work|office)\s+"
    r"(?:(?:new|home|work|mobile|cell|contact|direct|personal|phone)\s+)?"
    r"(?:number|no\.?|nr\.?)\s*(?:is|was|:|=)?\s*(?:now\s*)?:?\s*$",
    re.IGNORECASE,
)
# Where a locally written number is looked up (no country code): the regions whose customers
# write to helpdesks in the languages the product reads. A number valid in none stays unless
# another rule accepts it.
PHONE_REGIONS = (
    "US", "GB", "IN", "IE", "AU", "NZ", "CA", "ZA", "NG", "PH", "SG", "DE", "FR", "ES", "IT",
    "NL", "BE", "PT", "PL", "SE", "BR", "MX", "AE",
)  # fmt: skip


@lru_cache(maxsize=65536)
def _valid_in_some_region(digits: str) -> bool:
    """`phonenumbers` (libphonenumber's metadata) knows `digits` as a valid national number."""
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


@lru_cache(maxsize=65536)
def _possible_international(digits: str) -> bool:
    """`digits` after + or 00 form a possible number for their country code."""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


_DATE_LIKE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_NANP_FORMATTED = re.compile(r"^(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}$")
_MONEY_BEFORE = re.compile(r"(?:[$€£¥]|usd|eur|gbp)\s*$", re.IGNORECASE)


def _is_date(candidate: str) -> bool:
    if not _DATE_LIKE.match(candidate):
        return False
    parts = [int(p) for p in re.split(r"[-/.]", candidate)]
    if len(str(parts[0])) == 4 or parts[0] > 999:  # 2024-03-15
        _, month, day = parts
        return 1 <= month <= 12 and 1 <= day <= 31
    first, second, _ = parts  # 15/03/2024 or 03/15/2024
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _phone_ok(text: str, start: int, end: int) -> bool:
    candidate = text[start:end]
    digits = re.sub(r"\D", "", candidate)
    # "00" is an international prefix only before a country code (which never starts with 0).
    international = candidate.startswith("+") or (
        digits.startswith("00") and digits[2:3] != "0" and len(digits) >= 11
    )
    if not 7 <= len(digits) <= 15:
        return False
    if candidate.count("(") != candidate.count(")"):
        return False
    if _is_date(candidate):
        return False
    before = text[max(0, start - 40) : start]
    if before.endswith("#"):
        return False  # "#55501023": a reference, not a phone number
    if _MONEY_BEFORE.search(before):
        return False
    if _OTHER_NUMBER_BEFORE.search(before) and not international:
        # "order 12345678", "ref: 020 7946 0958"? — the label wins unless it also says phone.
        if not _PHONE_WORD.search(before[-25:]):
            return False
    if international:
        return len(digits) >= 8 and _possible_international(
            digits[2:] if digits.startswith("00") else digits
        )
    separators = re.sub(r"[\d()]", "", candidate)
    phone_word = _PHONE_WORD.search(text[max(0, start - 50) : start]) is not None
    if _NANP_FORMATTED.match(candidate):
        return True
    if digits.startswith("0") and 9 <= len(digits) <= 12:
        # National formats with a trunk prefix: 020 7946 0958, 07700 900123, 01 23 45 67 89.
        return True
    if separators and len(digits) >= 9 and phone_word:
        return True
    if not separators:
        # A bare digit run is a phone number only if the text says so.
        return phone_word and 9 <= len(digits) <= 12
    if "(" in candidate and len(digits) >= 9:
        return True
    if phone_word and len(digits) >= 7:
        return True
    # "my number is 98765 43210": a person's number, written the local way, double-checked
    mine = _MY_NUMBER_BEFORE.search(text[max(0, start - 40) : start]) is not None
    return (mine or phone_word) and _valid_in_some_region(digits)


def _phones(text: str) -> list[PiiSpan]:
    spans = []
    for match in _PHONE.finditer(text):
        start, end = match.span()
        # Trailing separators are not part of the number ("call 555-1234." keeps the dot).
        while end > start and not text[end - 1].isdigit():
            end -= 1
        if _phone_ok(text, start, end):
            spans.append(PiiSpan("PHONE", start, end))
    return spans


# ---- street addresses ----------------------------------------------------------------------

_SUFFIXES_CLEAR = (
    "street|st|road|rd|avenue|ave|av|boulevard|blvd|lane|ln|drive|dr|parkway|pkwy|highway|hwy|"
    "terrace|crescent|cres|gardens|mews|expressway|freeway|turnpike"
)
_SUFFIXES_AMBIGUOUS = (
    "way|court|ct|place|pl|close|square|sq|circle|cir|grove|hill|row|walk|park|green|"
    "trail|trl|plaza|alley|rise|view|wharf|quay|path|loop|pike|run"
)
_UNIT = r"(?:,?\s+(?:apt|apartment|suite|ste|unit|flat|floor|fl|#)\.?\s*#?\s*[A-Za-z0-9-]{1,6}\b)?"
_NAME_WORD_CAP = r"(?:[A-Z][a-z'’]+|[A-Z]{2,}|\d{1,3}(?:st|nd|rd|th)|[NSEW]\.?)"
_NAME_WORD_ANY = r"(?:[A-Za-z][a-z'’]+|\d{1,3}(?:st|nd|rd|th))"
_HOUSE = r"(?<![\w$£€.,/-])\d{1,6}[A-Za-z]?(?:-\d{1,4})?,?"
_ADDRESS_CAP = re.compile(
    _HOUSE
    + rf"\s+(?:{_NAME_WORD_CAP}\s+){{1,4}}"
    + rf"(?:(?i:{_SUFFIXES_CLEAR})|(?:{'|'.join(s.capitalize() for s in _SUFFIXES_AMBIGUOUS.split('|'))}))"
    + r"\b\.?"
    + _UNIT
)
# Lower-case addresses ("22 acacia avenue") only with spelled-out suffixes: "6 dentists
# including Dr Patel" is not an address.
_SUFFIXES_WORDS = "|".join(s for s in _SUFFIXES_CLEAR.split("|") if len(s) > 4)
_ADDRESS_LOWER = re.compile(
    _HOUSE + rf"\s+(?:{_NAME_WORD_ANY}\s+){{1,3}}(?:{_SUFFIXES_WORDS})\b\.?" + _UNIT,
    re.IGNORECASE,
)
# Words that cannot be part of a street name: "2 days on the road", "3 more items in my drive".
_NOT_STREET_WORDS = frozenset(
    """a an the on in at of for to from by with my your our their his her its this that these
    those and or but is are was were be been it i you we they he she me us them more less than
    days day hours hour minutes minute weeks week months month years year times time items item
    orders order boxes box packages package people persons cars miles km kilometres kilometers
    blocks block lanes doors hard disk disks down up off over across along out back home just
    only other same next last first second third new old big small""".split()
)


def _addresses(text: str) -> list[PiiSpan]:
    spans = []
    for pattern in (_ADDRESS_CAP, _ADDRESS_LOWER):
        for match in pattern.finditer(text):
            words = match.group().split()
            name_words = [w.strip(".,").lower() for w in words[1:-1]]
            if pattern is _ADDRESS_LOWER and any(w in _NOT_STREET_WORDS for w in name_words):
                continue
            if pattern is _ADDRESS_CAP and name_words and name_words[0] in _NOT_STREET_WORDS:
                continue
            end = match.end()
            while end > match.start() and text[end - 1] in ",. ":
                end -= 1
            spans.append(PiiSpan("ADDRESS", match.start(), end))
    return spans


# ---- combining -----------------------------------------------------------------------------

_FINDERS = {
    "IBAN": _ibans,
    "CARD": _cards,
    "EMAIL": _emails,
    "PHONE": _phones,
    "ADDRESS": _addresses,
}


def find_pii(text: str, kinds: tuple[str, ...] = PRIORITY) -> list[PiiSpan]:
    """Non-overlapping PII spans in `text`, in order; on overlap the higher-priority kind wins."""
    if not text:
        return []
    has_digit = any(c.isdigit() for c in text)
    taken: list[PiiSpan] = []
    for kind in PRIORITY:
        if kind not in kinds or (kind != "EMAIL" and not has_digit):
            continue
        for span in _FINDERS[kind](text):
            if all(span.end <= t.start or span.start >= t.end for t in taken):
                taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def redact(text: str, kinds: tuple[str, ...] = PRIORITY) -> str:
    """`text` with every PII span replaced by its placeholder (`[EMAIL]`, `[PHONE]`...)."""
    spans = find_pii(text, kinds)
    if not spans:
        return text
    out, position = [], 0
    for span in spans:
        out.append(text[position : span.start])
        out.append(PLACEHOLDERS[span.kind])
        position = span.end
    out.append(text[position:])
    return "".join(out)

"""Finding and masking personal data in free text (trygg.privacy, pure Python)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.privacy import find_personal_data, luhn_check_digit, mask


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Pnr 811218-9876 sågs", "personnummer", "811218-9876"),
        ("Pnr 19811218-9876 sågs", "personnummer", "19811218-9876"),
        ("Pnr 198112189876 sågs", "personnummer", "198112189876"),
        ("Pnr 8112189876 sågs", "personnummer", "8112189876"),
        ("Pnr 811218+9876 sågs", "personnummer", "811218+9876"),
        ("Nummer 701063-2391 här", "samordningsnummer", "701063-2391"),
        ("Nummer 19701063-2391 här", "samordningsnummer", "19701063-2391"),
        ("Ring 070-123 45 67 nu", "phone", "070-123 45 67"),
        ("Ring 0701234567 nu", "phone", "0701234567"),
        ("Ring 073-1234567 nu", "phone", "073-1234567"),
        ("Ring +46 70 123 45 67 nu", "phone", "+46 70 123 45 67"),
        ("Ring +46701234567 nu", "phone", "+46701234567"),
        ("Ring 0046 70-123 45 67 nu", "phone", "0046 70-123 45 67"),
        ("Ring 08-123 456 78 nu", "phone", "08-123 456 78"),
        ("Ring 0224-123 45 nu", "phone", "0224-123 45"),
        ("Ring 018-12 34 56 nu", "phone", "018-12 34 56"),
        ("Mejla anna.svensson@sala.se nu", "email", "anna.svensson@sala.se"),
        ("Mejla x+y@företag.example.com nu", "email", "x+y@företag.example.com"),
        ("Bilen ABC 123 stod", "vehicle", "ABC 123"),
        ("Bilen ABC123 stod", "vehicle", "ABC123"),
        ("Bilen XYZ 12D stod", "vehicle", "XYZ 12D"),
        ("Bilen abc123 stod", "vehicle", "abc123"),
    ],
)
def test_it_finds_personal_data(text, kind, found):
    findings = find_personal_data(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert text[findings[0].start : findings[0].end] == found


@pytest.mark.parametrize(
    "text",
    [
        "Ca 15 ungdomar vid torget mellan 22-23.",
        "Händelsen 2026-05-01 kl 07.30, igen 07-08.",
        "Storgatan 12, 733 30 Sala.",
        "Kvitto 1234567897 låg kvar.",  # a valid Luhn digit, but no date
        "Nummer 811218-9875 med fel kontrollsiffra.",
        "Nummer 811318-9875 med månad 13.",
        "Nummer 810230-9872 med 30 februari.",
        "Ett nummer 12345678 utan nolla först.",
        "Mejla anna@sala utan toppdomän.",
        "Vid 100 meter och 200 kr.",
        "IQV 123 har bokstäver som inte används.",
        "Abc 123 med liten bokstav och mellanslag.",
        "ABCD 123 är fyra bokstäver.",
        "ABC 1234 är fyra siffror.",
        "",
    ],
)
def test_it_leaves_ordinary_text_alone(text):
    assert find_personal_data(text) == []
    assert mask(text) == text


def test_it_masks_every_finding_with_its_placeholder():
    text = "Anna 19811218-9876, 070-123 45 67, anna@sala.se, bil ABC 12D, 701063-2391."
    assert mask(text) == (
        "Anna [personnummer], [telefonnummer], [e-post], bil [registreringsnummer], "
        "[samordningsnummer]."
    )


def test_it_prefers_the_personnummer_over_a_phone_number():
    # 07-01-01 is a date, so this is also a mobile number's shape.
    number = f"070101123{luhn_check_digit('070101123')}"
    assert kinds(f"Nummer {number}") == ["personnummer"]


def test_it_prefers_the_email_over_what_is_inside_it():
    assert kinds("abc123@sala.se och 0701234567@sala.se") == ["email", "email"]


def test_it_knows_the_luhn_digit_of_a_known_number():
    assert luhn_check_digit("811218987") == 6
    assert luhn_check_digit("701063239") == 1


def identity(day: date, serial: int, *, coordination: bool = False) -> str:
    """The ten digits YYMMDDNNNC of a valid personnummer (or samordningsnummer)."""
    body = f"{day:%y%m}{day.day + (60 if coordination else 0):02d}{serial:03d}"
    return body + str(luhn_check_digit(body))


def formatted(day: date, digits: str, century: bool, separator: str) -> str:
    prefix = f"{day.year // 100}" if century else ""
    return f"{prefix}{digits[:6]}{separator}{digits[6:]}"


numbers = st.fixed_dictionaries(
    {
        "day": st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31)),
        "serial": st.integers(min_value=0, max_value=999),
        "century": st.booleans(),
        "separator": st.sampled_from(["-", "+", ""]),
        "coordination": st.booleans(),
    }
)


@given(numbers)
def test_it_always_finds_a_valid_identity_number(n):
    digits = identity(n["day"], n["serial"], coordination=n["coordination"])
    written = formatted(n["day"], digits, n["century"], n["separator"])
    text = f"Han uppgav {written} till vakten."
    kind = "samordningsnummer" if n["coordination"] else "personnummer"
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [(kind, written)]
    assert mask(text) == f"Han uppgav [{kind}] till vakten."


@given(numbers, st.integers(min_value=1, max_value=9))
def test_it_never_takes_a_wrong_check_digit_for_an_identity_number(n, shift):
    digits = identity(n["day"], n["serial"], coordination=n["coordination"])
    wrong = digits[:9] + str((int(digits[9]) + shift) % 10)
    written = formatted(n["day"], wrong, n["century"], n["separator"])
    found = kinds(f"Han uppgav {written} till vakten.")
    assert "personnummer" not in found and "samordningsnummer" not in found

"""Canadian identifiers: shape checks and normal forms (plain Python)."""

import re

_POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")
_CICC_NUMBER = re.compile(r"^R\d{6}$")


def normalise_business_number(raw: str) -> str | None:
    """Return the 9-digit CRA business number, or None if ``raw`` is not one.

    Spaces and dashes are allowed in the input. A full program account (``123456789 RT0001``) is
    refused: the employer's identity is the 9-digit root.
    """
    digits = re.sub(r"[\s-]", "", raw or "")
    return digits if re.fullmatch(r"\d{9}", digits) else None


def normalise_postal_code(raw: str) -> str | None:
    """Return ``A1A 1A1`` for a valid Canadian postal code, else None."""
    code = (raw or "").strip().upper()
    if not _POSTAL_CODE.match(code):
        return None
    code = code.replace(" ", "")
    return f"{code[:3]} {code[3:]}"


def normalise_phone(raw: str) -> str | None:
    """Return a North American number as ``+1 AAA-EEE-NNNN`` (with any extension), else None."""
    text = (raw or "").strip()
    main, extension = _split_extension(text)
    digits = re.sub(r"\D", "", main)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        return None
    formatted = f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if extension:
        if not extension.isdigit() or len(extension) > 6:
            return None
        formatted += f" ext. {extension}"
    return formatted


def _split_extension(text: str) -> tuple[str, str]:
    parts = re.split(r"\s*(?:ext\.?|x)\s*", text, maxsplit=1, flags=re.I)
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def is_cicc_number(raw: str) -> bool:
    """A CICC licence number: the letter R and six digits (e.g. R712345)."""
    return bool(_CICC_NUMBER.match((raw or "").strip().upper()))

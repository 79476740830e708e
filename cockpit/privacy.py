"""Personal data, masked in one place: licence plates, names and phone numbers.

Plates, names and phone numbers are personal data. Whatever the cockpit shows or exports goes through
these functions first; the wall screen shows none of them at all.

- mask_plate: province + issuing-authority letter + the first two characters of the serial, the rest
  as stars: 浙F12345 → 浙F·12***, new-energy 浙FD12345 → 浙F·D1****, 浙F1234学 → 浙F·12***.
  Anything that is not a recognisable plate becomes PLATE_PLACEHOLDER: never a part of the input.
- mask_name: the first character, the rest as stars: 张三丰 → 张**.
- mask_phone: mobile 13812345678 → 138****5678; landline 0573-85123456 → 0573-****3456.
"""

from __future__ import annotations

import re

PLATE_PLACEHOLDER = "***"
NAME_PLACEHOLDER = "*"
PHONE_PLACEHOLDER = "***"

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# serial: 5 letters/digits (ordinary, last may be 学/警/挂/港/澳/领/试/超), or 6 (new energy)
_PLATE = re.compile(rf"^([{PROVINCES}])([A-Z])([A-Z0-9]{{4}}[A-Z0-9学警挂港澳领试超]|[A-Z0-9]{{6}})$")
_SEPARATORS = re.compile(r"[\s·•.\-_]")
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d)(\d{4})(\d{4})$")
_LANDLINE = re.compile(r"^(0\d{2,3})(\d{3,4})(\d{4})$")

# A plate as it may appear unmasked in text (for tests that look for leaks): province, letter, 5-6 more.
UNMASKED_PLATE = re.compile(rf"[{PROVINCES}]\s?[A-Z][\s·•.\-]?[A-Z0-9]{{5,6}}")


def normalise_plate(plate: object) -> str | None:
    """The plate without separators and in upper case, or None when it is not a plate."""
    if plate is None or not isinstance(plate, str):
        return None
    text = _SEPARATORS.sub("", plate.strip()).upper()
    return text if _PLATE.match(text) else None


def mask_plate(plate: object) -> str:
    """浙F12345 → 浙F·12***; anything unrecognisable → PLATE_PLACEHOLDER."""
    text = normalise_plate(plate)
    if text is None:
        return PLATE_PLACEHOLDER
    province, letter, serial = _PLATE.match(text).groups()
    return f"{province}{letter}·{serial[:2]}{'*' * (len(serial) - 2)}"


def is_new_energy(plate: object) -> bool:
    text = normalise_plate(plate)
    return text is not None and len(text) == 8


def mask_name(name: object) -> str:
    """张三 → 张*; empty or not text → NAME_PLACEHOLDER."""
    if not isinstance(name, str) or not name.strip():
        return NAME_PLACEHOLDER
    text = name.strip()
    return text[0] + "*" * max(1, len(text) - 1)


def mask_phone(phone: object) -> str:
    """13812345678 → 138****5678; 0573-85123456 → 0573-****3456; anything else → PHONE_PLACEHOLDER."""
    if not isinstance(phone, str):
        return PHONE_PLACEHOLDER
    digits = re.sub(r"[\s\-()]", "", phone.strip())
    m = _MOBILE.match(digits)
    if m:
        return f"{m.group(1)}****{m.group(3)}"
    m = _LANDLINE.match(digits)
    if m:
        return f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}"
    return PHONE_PLACEHOLDER

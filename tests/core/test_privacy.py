"""The one masking of personal data: plates, names, phone numbers."""

from __future__ import annotations

import pytest

from cockpit import privacy
from cockpit.privacy import PLATE_PLACEHOLDER, mask_name, mask_phone, mask_plate


@pytest.mark.parametrize("plate, masked", [
    ("浙F12345", "浙F·12***"),          # ordinary, digits
    ("浙FA1234", "浙F·A1***"),          # ordinary, letter first
    ("浙F·A1234", "浙F·A1***"),         # with the separator dot
    ("浙f a1234", "浙F·A1***"),         # lower case, a space
    ("沪A-88888", "沪A·88***"),         # another province, a hyphen
    ("浙FD12345", "浙F·D1****"),        # new energy, small car (D + 5)
    ("浙F12345D", "浙F·12****"),        # new energy, large vehicle (5 + D)
    ("浙F1234学", "浙F·12***"),         # driving-school plate
    ("浙F1234挂", "浙F·12***"),         # trailer
])
def test_plates_keep_province_authority_and_two_characters(plate, masked):
    assert mask_plate(plate) == masked


@pytest.mark.parametrize("bad", [
    None, "", "   ", "无牌", "12345", "浙12345", "浙F123", "浙F1234567", "XXF12345", "浙F12345678",
    "浙F·12***", 12345, float("nan"), "WJ12345", "未识别",
])
def test_malformed_plates_become_the_placeholder_and_leak_nothing(bad):
    assert mask_plate(bad) == PLATE_PLACEHOLDER


def test_masked_plates_never_match_the_unmasked_pattern():
    for plate in ("浙F12345", "浙FA1234", "浙FD12345", "沪B99999"):
        assert privacy.UNMASKED_PLATE.search(plate), plate
        assert not privacy.UNMASKED_PLATE.search(mask_plate(plate)), mask_plate(plate)


def test_new_energy_recognised():
    assert privacy.is_new_energy("浙FD12345")
    assert not privacy.is_new_energy("浙F12345")
    assert not privacy.is_new_energy("garbage")


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), (" 王 ", "王*"), ("", "*"), (None, "*")])
def test_names(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), ("138 1234 5678", "138****5678"), ("+8613812345678", "138****5678"),
    ("0573-85123456", "0573-****3456"), ("057385123456", "0573-****3456"),
    ("12345", "***"), (None, "***"), ("", "***"),
])
def test_phones(phone, masked):
    assert mask_phone(phone) == masked

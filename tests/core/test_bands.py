"""Every band edge the issue names, through the replies a member gets."""

from __future__ import annotations

import pytest

from bot.core.dose import dose_reply
from bot.core.level import level_reply
from bot.core.model import KnowledgeBase


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        ("1", "low"),
        ("999", "low"),
        ("999.99", "low"),
        ("1000", "typical"),
        ("2000", "typical"),
        ("2000.01", "typical_pair_k2"),
        ("2001", "typical_pair_k2"),
        ("4000", "typical_pair_k2"),
        ("4000.01", "above_ul"),
        ("4001", "above_ul"),
        ("10000", "above_ul"),
        ("10001", "very_high"),
        ("1000000", "very_high"),
        ("28000 IU weekly", "typical_pair_k2"),  # exactly 4000 a day
        ("120000 IU monthly", "typical_pair_k2"),  # exactly 4000 a day
        ("100 mcg", "typical_pair_k2"),  # 4000 IU
        ("0.1 mg", "typical_pair_k2"),
    ],
)
def test_dose_bands_follow_the_issue_edges(kb: KnowledgeBase, amount: str, band: str) -> None:
    reply = dose_reply(kb, amount)
    assert reply.ok, reply.error
    assert reply.data["band"] == band


@pytest.mark.parametrize(
    ("k2", "band"),
    [
        ("1", "low"),
        ("89.9", "low"),
        ("90", "typical"),
        ("200", "typical"),
        ("200.1", "above_typical"),
        ("0.2 mg", "typical"),
        ("1 mg", "above_typical"),
    ],
)
def test_k2_bands_follow_the_issue_edges(kb: KnowledgeBase, k2: str, band: str) -> None:
    reply = dose_reply(kb, "2000", k2)
    assert reply.ok, reply.error
    assert reply.data["k2_band"] == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("1", "deficient"),
        ("11.9", "deficient"),
        ("12", "inadequate"),
        ("19.9", "inadequate"),
        ("20", "below_goal"),
        ("29.99", "below_goal"),
        ("30", "goal"),
        ("50", "goal"),
        ("50.1", "high"),
        ("150", "high"),
        ("150.1", "toxic"),
        # nmol/L results sit on the IOM's own nmol/L cut-points (and 75 nmol/L for 30 ng/mL).
        ("29.9 nmol/L", "deficient"),
        ("30 nmol/L", "inadequate"),
        ("49.9 nmol/L", "inadequate"),
        ("50 nmol/L", "below_goal"),
        ("74.88 nmol/L", "below_goal"),  # 30 ng/mL by the factor, below the 75 nmol/L line
        ("75 nmol/L", "goal"),
        ("124.8 nmol/L", "goal"),
        ("125 nmol/L", "goal"),  # the IOM's 50 ng/mL, not "high" by a rounding error
        ("125.1 nmol/L", "high"),
        ("375 nmol/L", "high"),
        ("375.1 nmol/L", "toxic"),
    ],
)
def test_level_bands_follow_the_issue_edges(kb: KnowledgeBase, value: str, band: str) -> None:
    reply = level_reply(kb, value)
    assert reply.ok, reply.error
    assert reply.data["band"] == band


def test_band_tables_are_ordered_low_to_high(kb: KnowledgeBase) -> None:
    assert [b.id for b in kb.bands["dose"].bands] == [
        "low",
        "typical",
        "typical_pair_k2",
        "above_ul",
        "very_high",
    ]
    assert [b.id for b in kb.bands["k2"].bands] == ["low", "typical", "above_typical"]
    assert [b.id for b in kb.bands["level"].bands] == [
        "deficient",
        "inadequate",
        "below_goal",
        "goal",
        "high",
        "toxic",
    ]

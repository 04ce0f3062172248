"""Chart axes (issue 15, item 9): ticks written in the page's language, from zero, and the
same number of ticks on every axis so a right-hand axis sits on the left one's grid lines."""

from __future__ import annotations

import datetime as dt

from engagelens.web import i18n
from engagelens.web.pages.base import day_axis, nice_step, value_axis


def test_nice_steps_cover_the_top_value():
    assert nice_step(1048, 5) == 250  # 1048 / 5 = 209.6 → 250
    assert nice_step(3300.5, 5) == 800
    assert nice_step(0.03, 5) == 0.006
    assert nice_step(0, 5) == 1.0


def test_value_axis_in_persian_digits_and_percent():
    fa = value_axis([0, 1048, 3], i18n.lang("fa"))
    assert fa["tickvals"] == [0, 250, 500, 750, 1000, 1250]
    assert fa["ticktext"] == ["۰", "۲۵۰", "۵۰۰", "۷۵۰", "۱٬۰۰۰", "۱٬۲۵۰"]
    en = value_axis([0.011], i18n.lang("en"), percent=True)
    assert en["ticktext"] == ["0.00%", "0.25%", "0.50%", "0.75%", "1.00%", "1.25%"]
    assert value_axis([12], i18n.lang("en"))["ticktext"][1] == "2.5"  # 2.5 is not rounded to 3


def test_dual_axes_share_their_grid():
    left = value_axis([1048], i18n.lang("en"))
    right = value_axis([39_000], i18n.lang("en"))
    assert len(left["tickvals"]) == len(right["tickvals"])
    # each tick is the same fraction of its axis' range
    assert [v / left["range"][1] for v in left["tickvals"]] == [
        v / right["range"][1] for v in right["tickvals"]
    ]


def test_day_axis_ticks_in_the_language():
    days = [dt.date(2024, 3, 1) + dt.timedelta(d) for d in range(20)]
    fa = day_axis(days, i18n.lang("fa"), ticks=4)
    assert fa["tickvals"] == ["2024-03-01", "2024-03-06", "2024-03-11", "2024-03-16"]
    assert fa["ticktext"] == ["۱ مارس", "۶ مارس", "۱۱ مارس", "۱۶ مارس"]
    assert day_axis(days, i18n.lang("zh"), ticks=4)["ticktext"][0] == "3月1日"
    assert "tickvals" not in day_axis(days)  # without a language Plotly writes them

"""Chart geometry: a bar chart of counts (people per score band, orders per state) reads in whole numbers."""

import pytest

from core.charts import bar_chart


def tick_labels(chart) -> list[str]:
    return [tick["label"] for tick in chart["ticks"]]


@pytest.mark.parametrize(
    ("highest", "labels"),
    [
        (1, ["0", "1"]),  # it read 0, 0.2, 0.5, 0.8, 1 people
        (2, ["0", "1", "2"]),
        (3, ["0", "1", "2", "3", "4"]),
        (5, ["0", "1", "2", "3", "4", "5"]),
        (7, ["0", "2", "4", "6", "8", "10"]),  # not 2.5 and 7.5 orders
        (12, ["0", "5", "10", "15", "20"]),
        (90, ["0", "25", "50", "75", "100"]),
    ],
)
def test_counts_have_whole_ticks(highest, labels):
    chart = bar_chart([("a", highest), ("b", 0)])
    assert tick_labels(chart) == labels
    assert chart["ticks"][0]["y"] == chart["box"].baseline and chart["ticks"][-1]["y"] == chart["box"].top


def test_fractional_values_keep_four_steps():
    assert len(bar_chart([("a", 0.5)])["ticks"]) == 5

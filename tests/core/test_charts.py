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


def test_rates_on_a_line_chart_read_in_whole_steps_when_the_top_is_whole():
    from core.charts import line_chart

    chart = line_chart(["01", "02"], [{"name": "rating", "values": [4.5, 3.0]}], high=5)
    assert tick_labels(chart) == ["0", "1", "2", "3", "4", "5"]  # not 1.2 and 3.8


def test_every_bar_and_point_carries_its_label_and_value():
    from core.charts import line_chart

    bars = bar_chart([("Received", 3), ("Shipped", 0)])
    assert [(b["label"], b["value"]) for b in bars["bars"]] == [("Received", 3), ("Shipped", 0)]
    line = line_chart(["01", "02", "03"], [{"name": "x", "values": [1.0, None, 2.0]}])
    assert [(d["label"], d["value"]) for d in line["series"][0]["dots"]] == [("01", 1.0), ("03", 2.0)]
    assert line["rows"] == [
        {"label": "01", "values": [1.0]},
        {"label": "02", "values": [None]},
        {"label": "03", "values": [2.0]},
    ]


def test_a_chart_with_nothing_to_show_says_so():
    from core.charts import line_chart

    assert bar_chart([])["empty"] and bar_chart([("a", 0), ("b", 0)])["empty"]
    assert not bar_chart([("a", 1)])["empty"]
    assert line_chart(["01"], [{"name": "x", "values": [None]}])["empty"]


def test_labels_are_at_least_11_px_and_slant_when_they_would_overlap():
    from core.charts import FONT_SIZE, Box

    assert FONT_SIZE >= 11  # app.css never draws a chart narrower than its box: 1 unit ≥ 1 px
    short = bar_chart([("a", 1), ("b", 2)])
    long = bar_chart([(f"Awaiting state {i}", i) for i in range(7)])
    assert not short["slanted"] and long["slanted"]
    assert short["box"] == Box()


def test_the_templates_draw_titles_a_hidden_table_and_the_empty_state():
    from django.template.loader import render_to_string

    from core.charts import line_chart

    html = render_to_string("core/_bar_chart.html", {"chart": bar_chart([("Received", 3)]), "title": "Orders"})
    assert "<title>Received: 3</title>" in html
    assert '<table class="visually-hidden">' in html and '<th scope="row">Received</th><td>3</td>' in html
    assert 'font-size="12"' in html
    line = line_chart(["01"], [{"name": "x", "values": [97.5]}])
    assert "<title>01: 97.5</title>" in render_to_string("core/_line_chart.html", {"chart": line, "title": "T"})
    empty = render_to_string("core/_bar_chart.html", {"chart": bar_chart([]), "title": "Orders"})
    assert "<svg" not in empty and "No data to chart yet." in empty

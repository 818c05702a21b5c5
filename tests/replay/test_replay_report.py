"""The replay report as headless Chromium renders it (Debian's ``chromium``; `.ci/run`
installs it). Without Chromium these tests fail and say how to install it."""

import html
import json
import re
import struct
import zlib

import pytest
from replaykit import PROFILE

from ses_metrics.replay import parse_profile, replay
from ses_metrics.replay.browser import INSTALL_HINT, dump_dom, find_chromium, screenshot
from ses_metrics.replay.report import LEFT, RIGHT, WIDTH, render

# Appended to a copy of the report: measures what Chromium laid out and writes it into the DOM.
LAYOUT_PROBE = """<script>
const box = (el) => { const r = el.getBoundingClientRect(); return {width: r.width, height: r.height}; };
const charts = [...document.querySelectorAll("svg.chart")].map((svg) => ({
  kind: svg.dataset.kind, metric: svg.dataset.metric, ...box(svg),
  drawn: [...svg.querySelectorAll("path.series")].filter((p) => p.getBBox().width > 0).length,
  transitions: [...svg.querySelectorAll("g.transition")].map((g) => ({
    alarm: g.dataset.alarm, state: g.dataset.state, x: g.querySelector("line").getBBox().x })),
}));
const routing = document.querySelector("svg.routing");
const layout = {charts, routing: {...box(routing), labels: [...routing.querySelectorAll("text")].map((t) => t.textContent)}};
document.body.insertAdjacentHTML("beforeend", "<pre id='layout'></pre>");
document.getElementById("layout").textContent = JSON.stringify(layout);
</script>"""
SPRING = "Test-marketing-bounce-rate-spring-example.com"


@pytest.fixture(scope="module")
def chromium():
    if find_chromium() is None:
        pytest.fail(INSTALL_HINT)


@pytest.fixture(scope="module")
def report(alarmed_template, tmp_path_factory):
    result = replay(alarmed_template, parse_profile({**PROFILE, "hours": 6}))
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render(result, template="alarmed_template"), encoding="utf-8")
    return path, result


@pytest.fixture(scope="module")
def layout(chromium, report):
    probed = report[0].with_name("probed.html")
    probed.write_text(report[0].read_text().replace("</body>", LAYOUT_PROBE + "</body>"), encoding="utf-8")
    dom = dump_dom(probed)
    return json.loads(html.unescape(re.search(r'<pre id="layout">(.*?)</pre>', dom, re.S).group(1)))


def test_every_alarm_gets_a_rendered_chart(layout, report):
    alarms = [c for c in layout["charts"] if c["kind"] == "alarm"]
    assert sorted(c["metric"] for c in alarms) == sorted(a.definition.name for a in report[1].alarms)
    assert all(c["width"] > 600 and c["height"] > 150 and c["drawn"] == 1 for c in alarms)


def test_the_alarm_transition_is_marked_inside_the_plot(layout):
    spring = next(c for c in layout["charts"] if c["metric"] == SPRING)
    states = [t["state"] for t in spring["transitions"]]
    assert states == ["OK", "ALARM"]
    assert all(LEFT <= t["x"] <= WIDTH - RIGHT for t in spring["transitions"])


def test_metric_charts_draw_a_line_per_dimension_value_with_the_alarms_that_read_them(layout):
    bounce = next(c for c in layout["charts"] if c["kind"] == "metric" and c["metric"] == "Bounce")
    assert bounce["drawn"] == 2  # spring and autumn
    assert {t["alarm"] for t in bounce["transitions"]} == {SPRING, "Test-marketing-bounce-rate-autumn-example.com"}


def test_reputation_charts_for_the_set_and_the_account(layout):
    reputation = {c["metric"] for c in layout["charts"] if c["kind"] == "reputation"}
    assert {"Reputation.BounceRate:marketing", "Reputation.BounceRate:account"} <= reputation


def test_the_routing_diagram_shows_sets_destinations_and_sinks(layout):
    labels = layout["routing"]["labels"]
    assert layout["routing"]["width"] > 600
    assert {"Configuration sets", "Event destinations", "Sinks", "marketing", "metrics", "CloudWatch AWS/SES"} <= set(labels)
    assert any(label.endswith(" events") for label in labels)


def png_pixels(data):
    """Width, height and rows of RGB(A) pixels of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunks.setdefault(kind, []).append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert depth == 8 and color in (2, 6) and interlace == 0
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                predictor = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[i] = (line[i] + predictor) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, [[row[x * channels : x * channels + 3] for x in range(0, width, 4)] for row in rows[::4]]


def test_the_screenshot_shows_the_report(chromium, report, tmp_path):
    png = screenshot(report[0], tmp_path / "report.png", width=1280, height=800)
    width, height, sampled = png_pixels(png.read_bytes())
    colors = {pixel for row in sampled for pixel in row}
    background = max(colors, key=lambda c: sum(row.count(c) for row in sampled))
    inked = sum(pixel != background for row in sampled for pixel in row) / sum(len(row) for row in sampled)
    assert (width, height) == (1280, 800)
    assert len(colors) > 50 and inked > 0.1  # text, tables and charts, not a blank page
    assert any(pixel[0] > 200 and pixel[1] < 80 and pixel[2] < 80 for row in sampled for pixel in row)  # the red of ALARM


def test_without_chromium_the_demo_screenshot_says_how_to_install_it_and_succeeds(monkeypatch, capsys, tmp_path):
    from ses_metrics.replay import browser

    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    assert browser.main(["screenshot", str(tmp_path / "r.html"), str(tmp_path / "r.png")]) == 0
    assert "apt-get install -y chromium" in capsys.readouterr().err
    with pytest.raises(browser.ChromiumMissing, match="apt-get install -y chromium"):
        browser.dump_dom(tmp_path / "r.html")

"""Fidelity: click tracking (docs/fidelity.md)."""

from simkit import base, cloudwatch, destination, simple

from ses_metrics.simulator import Click, Engagement, Simulator

OK = "success@simulator.amazonses.com"


def clicks(html, engagement=None):
    t = base()
    t["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("cta", "linkTag", "none")))
    result = Simulator(t).send_email(**simple(OK, html=html), engagement=engagement or Engagement(clicks="all"))
    return [o.event.record["click"] for o in result.events if o.event.type.record == "Click"], result.notes


def test_at_most_250_links_are_tracked():
    """DG faqs-metrics.html, Click Q3: "The click tracking system can track a maximum of 250
    links" (which ones past the 250th is undocumented: assumed the first 250)."""
    html = "".join(f'<a href="https://shop.example.com/{i}">{i}</a>' for i in range(260))
    found, _ = clicks(html)
    assert len(found) == 250 and found[-1]["link"] == "https://shop.example.com/249"
    _, notes = clicks(html, Engagement(clicks=[Click(OK, 255)]))
    assert notes == [f"click by {OK} on https://shop.example.com/255 produces no event: SES tracks at most 250 links per message"]


def test_links_with_unencoded_characters_are_not_tracked():
    """DG faqs-metrics.html, Click Q7: links must "comply with RFC 3986. If a link in an email
    isn't properly encoded, recipients will still see the link ... but Amazon SES won't track
    click events for that link" (?name=John Doe is not tracked, John%20Doe is)."""
    found, _ = clicks('<a href="https://x.example.com/?name=John Doe">a</a><a href="https://x.example.com/?name=John%20Doe">b</a>')
    assert [c["link"] for c in found] == ["https://x.example.com/?name=John%20Doe"]


def test_link_tags_are_always_present_and_checked():
    """DG faqs-metrics.html, Click Q5: link tags of "0–9, A–Z (both uppercase and lowercase),
    hyphens (-), and underscores (_)"; DG Click object: linkTags, observed as {} for a link
    without tags. A pair with other characters is left out (assumed: SES documents no error)."""
    found, _ = clicks('<a href="https://x.example.com/a" ses:tags="cta:hero;bad key:x;slot:top!;">a</a><a href="https://x.example.com/b">b</a>')
    assert [c["linkTags"] for c in found] == [{"cta": ["hero"]}, {}]

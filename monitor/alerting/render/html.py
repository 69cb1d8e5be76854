"""The HTML email body of a story digest: inline styles only (mail clients drop style sheets), every
piece of page text escaped, links only to http(s) and file URLs. Every link's address is also shown
as text, so the plain-text part apprise derives from this HTML keeps it."""

from __future__ import annotations

from monitor.alerting.render.digest import OutletLine, StoryDigest, action_line
from monitor.alerting.render.figures import KIND_WORDS, FigureLine, FigureValue
from monitor.alerting.render.safe import html_text as h
from monitor.alerting.render.safe import link_target
from monitor.alerting.render.text import date_line, language_name

BOX = "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a;max-width:720px"
LABEL = "color:#555;font-size:13px;text-transform:uppercase;letter-spacing:.04em;margin:18px 0 6px"
CELL = "padding:6px 10px;border:1px solid #ddd;vertical-align:top"


def _link(url: str | None, text: str) -> str:
    target = link_target(url)
    return f'<a href="{h(target)}" style="color:#0b57d0">{text}</a>' if target else text


def _value(value: FigureValue) -> str:
    count = len(value.outlets)
    credit = ", ".join([*value.according_to[:1], f"{count} outlet{'s' if count != 1 else ''}"])
    return (f'<td style="{CELL}"><b style="font-size:17px">{h(value.label)}</b><br>'
            f'<span style="color:#555;font-size:13px">{h(credit)}: {h(", ".join(value.outlets))}</span></td>')


def _figure_row(line: FigureLine) -> str:
    vs = f'<td style="{CELL};border:none;color:#b3261e;font-weight:bold">vs</td>'
    return (f'<tr><td style="{CELL};color:#555">{h(KIND_WORDS.get(line.kind, line.kind))}</td>'
            + vs.join(_value(v) for v in line.values) + "</tr>")


def _outlet(line: OutletLine) -> str:
    tags = [language_name(line.language), *(["official source"] if line.official else []),
            *(["near copy"] if line.copy else [])]
    return (f'<li style="margin:0 0 8px"><b>{h(line.outlet)}</b> <span style="color:#555">({h(", ".join(tags))})'
            f'</span><br>{_link(line.url, h(line.headline))}<br>'
            f'<span style="color:#555;font-size:12px;word-break:break-all">{h(line.url)}</span></li>')


def _facts(digest: StoryDigest) -> str:
    what = action_line(digest)
    return (f'<p style="margin:0 0 4px"><b>Date:</b> {h(date_line(digest))}</p>'
            + (f'<p style="margin:0"><b>What:</b> {h(what)}</p>' if what else ""))


def html_blocks(digest: StoryDigest) -> list[str]:
    """The email body's sections, most important first."""
    blocks = [f'<h2 style="font-size:21px;margin:0 0 10px">{h(digest.headline)}</h2>']
    if digest.changes:
        blocks.append('<div style="background:#fff4d6;padding:8px 12px;margin:0 0 12px"><b>What is new</b><ul>'
                      + "".join(f"<li>{h(change)}</li>" for change in digest.changes) + "</ul></div>")
    if digest.lead:
        blocks.append(f'<p style="font-size:16px;margin:0 0 12px">{h(digest.lead)}</p>')
    blocks.append(_facts(digest))
    if digest.figures:
        blocks.append(f'<p style="{LABEL}">Figures</p><table style="border-collapse:collapse">'
                      + "".join(_figure_row(line) for line in digest.figures) + "</table>")
    count = digest.outlet_count
    blocks.append(f'<p style="{LABEL}">Reported by {count} outlet{"s" if count != 1 else ""}</p>'
                  '<ul style="padding-left:20px;margin:0">' + "".join(_outlet(o) for o in digest.outlets) + "</ul>")
    blocks.append(f'<p style="{LABEL}">Why it matched</p><p style="margin:0">{h(digest.why)}</p>')
    if link_target(digest.story_url):
        link = _link(digest.story_url, f"Read the whole story in the archive: {h(digest.story_url)}")
        blocks.append(f'<p style="margin:18px 0 0">{link}</p>')
    return blocks


def render_html(digest: StoryDigest) -> str:
    return f'<div style="{BOX}">' + "".join(html_blocks(digest)) + "</div>"

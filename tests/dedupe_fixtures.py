"""Article families for the dedupe and story tests: copies, edited copies, rewrites, other events.

Event A (2025-10-09): China adds five rare earths to its export controls. The wire's text,
a word-for-word copy with other junk, a copy with an edited first paragraph, and two
rewrites in other words. Event B (2025-10-13): the same ministry grants the first general
licences for magnet exports, reported by the same outlets. Event C (2026-10-12): a
similar decision a year later.
"""

from __future__ import annotations

from monitor.models import Page, PageHints

WIRE_A = """Beijing adds five rare earths to export control list

China's Ministry of Commerce said on Thursday it would add holmium, erbium, thulium, europium and ytterbium to its export control list, widening curbs on the metals used in magnets, lasers and fibre-optic amplifiers.

The ministry said exporters will need a licence for the five elements and for equipment and technology used to mine, smelt and separate them. The measures take effect on December 1.

Foreign companies that make magnets containing at least 0.1 percent of rare earths sourced from China will also need approval from Beijing before shipping them to third countries, the ministry said in a separate notice.

The announcement comes weeks before a planned meeting between the Chinese and US presidents and after Washington expanded its own list of Chinese companies barred from buying American chips.

China processes about 90 percent of the world's rare earths and makes most of its permanent magnets. In April it placed seven medium and heavy rare earths under licensing, which halted shipments to carmakers in Europe and the United States for several weeks.

Analysts said the new rules would give Beijing leverage over defence contractors, whose licence applications the ministry said it would reject."""

JUNK_A = ("Beijing adds five rare earths to export control list\n\nShare on Facebook\nShare on X\n\n"
          + WIRE_A.partition("\n\n")[2] + """

Legal Disclaimer:
Metals Daily provides this news content "as is" without warranty of any kind. We do not accept any \
responsibility or liability for the accuracy, content, images, videos, licenses, completeness, legality, \
or reliability of the information contained in this article.""")

UNKNOWN_JUNK_A = WIRE_A + """

Our correspondents in Asia follow the rare earths trade for the Harbour Morning Herald every day of the year."""

EDITED_LEAD_A = """Beijing adds five rare earths to export control list

Beijing on Thursday widened its curbs on rare earths: the commerce ministry put holmium, erbium, thulium, europium and ytterbium, used in magnets and lasers, on its export control list.

The ministry said exporters will need a licence for the five elements and for equipment and technology used to mine, smelt and separate them. The measures take effect on December 1.

Foreign companies that make magnets containing at least 0.1 percent of rare earths sourced from China will also need approval from Beijing before shipping them to third countries, the ministry said in a separate notice.

The announcement comes weeks before a planned meeting between the Chinese and US presidents and after Washington expanded its own list of Chinese companies barred from buying American chips.

China processes about 90 percent of the world's rare earths and makes most of its permanent magnets. In April it placed seven medium and heavy rare earths under licensing, which halted shipments to carmakers in Europe and the United States for several weeks.

Analysts said the new rules would give Beijing leverage over defence contractors, whose licence applications the ministry said it would reject."""

REWRITE_A1 = """China tightens grip on rare earths with new export curbs

Holmium, erbium, thulium, europium and ytterbium will need an export licence from December 1 under rules published by the Ministry of Commerce in Beijing, bringing the number of controlled rare earths to twelve.

The controls also cover the know-how and machinery for mining, smelting and separation, and reach beyond China's borders: a magnet maker abroad whose product holds 0.1 percent or more of Chinese rare earths must ask Beijing for permission to export it.

Industry groups in Europe warned that the licensing, like the April curbs on seven heavy rare earths that left carmakers short of magnets, could again disrupt supply chains. China refines roughly 90 percent of the world's rare earths.

The ministry said it would refuse licences for military end users. The decision lands ahead of a summit between the US and Chinese presidents and follows new US restrictions on chip sales to Chinese firms."""

REWRITE_A2 = """Five more rare-earth elements come under Chinese export licensing

The Chinese commerce ministry has extended its licensing regime to holmium, erbium, thulium, europium and ytterbium, in a move that trade lawyers say reaches foreign manufacturers for the first time.

From December 1, companies outside China that ship magnets with as little as 0.1 percent Chinese rare-earth content will need a licence from Beijing. Technology for separating and smelting the metals is covered as well.

Defence manufacturers will be denied licences, the ministry said. Beijing controls around 90 percent of global rare-earth processing and used licensing in April to squeeze magnet supplies to automakers.

The timing, weeks ahead of a meeting between the presidents of China and the United States, was read in Washington as a reply to the latest US curbs on chip exports."""

WIRE_B = """China grants first general licences for rare-earth magnet exports

China's Ministry of Commerce said on Monday it had issued the first general licences allowing some exporters to ship rare-earth magnets to European carmakers for a year without applying for each cargo.

The ministry named three magnet producers that received the year-long permits after European automakers and suppliers complained that single-shipment approvals took up to 45 days and had forced several assembly lines in Germany and Spain to pause.

A spokesperson said the general licences were granted to civilian users with a record of compliance and that applications from other companies were being reviewed in order.

The European Chamber of Commerce in China welcomed the step but said its members still waited for hundreds of individual licences. Shipments of magnets from China to the European Union fell by half in the summer, customs data showed."""

REWRITE_B = """Beijing eases magnet bottleneck for European automakers

Three Chinese magnet makers have been handed year-long general export licences, the commerce ministry said, sparing them from seeking permission for every consignment bound for car factories in Europe.

German and Spanish plants had idled lines while waiting up to 45 days for single-shipment approvals. The European Chamber of Commerce said hundreds of applications remained pending, and customs figures show magnet deliveries to the EU halved over the summer.

Only civilian customers with a clean compliance record qualify, a ministry spokesperson said."""

WIRE_C = """China puts more rare earths under export control

China's Ministry of Commerce said on Monday it would add scandium and lutetium to its export control list, widening licensing rules for rare earths used in alloys, lasers and medical imaging.

Exporters will need a licence for the two elements and for technology used to separate them from January 1, the ministry said. Magnets and alloys made abroad with Chinese rare earths will need approval before being shipped to third countries.

The ministry said licences for defence users would be refused. China processes about 90 percent of the world's rare earths and has used licensing since last year to control supplies of magnets to carmakers in Europe and the United States."""


def page(url: str, text: str, published: str, fetched: str | None = None) -> Page:
    """A plain-text page as a feed would hand it over: title in the hints, date from the feed."""
    title, _, body = text.partition("\n\n")
    return Page(url=url, source="fixture", fetched_at=fetched or f"{published}T12:00:00+00:00",
                body=body.encode("utf-8"), content_type="text/plain",
                hints=PageHints(title=title.strip(), published=published, published_source="feed"))


def families() -> list[Page]:
    """Every fixture page, in the order a crawl would meet them."""
    return [
        page("https://wire.example/markets/china-rare-earths-export-controls", WIRE_A, "2025-10-09"),
        page("https://news-a.example/2025/10/09/beijing-adds-five-rare-earths?utm_source=rss", JUNK_A,
             "2025-10-09"),
        page("https://herald.example/asia/rare-earths-export-list", UNKNOWN_JUNK_A, "2025-10-09"),
        page("https://daily-b.example/world/beijing-widens-rare-earth-curbs", EDITED_LEAD_A, "2025-10-10"),
        page("https://metals-c.example/news/china-tightens-grip-rare-earths", REWRITE_A1, "2025-10-10"),
        page("https://policy-d.example/trade/five-more-rare-earths-licensing", REWRITE_A2, "2025-10-11"),
        page("https://wire.example/markets/china-general-licences-magnets", WIRE_B, "2025-10-13"),
        page("https://metals-c.example/news/beijing-eases-magnet-bottleneck", REWRITE_B, "2025-10-13"),
        page("https://wire.example/markets/china-scandium-lutetium-controls", WIRE_C, "2026-10-12"),
    ]


EXPECTED_STORIES = [
    {"https://wire.example/markets/china-rare-earths-export-controls",
     "https://news-a.example/2025/10/09/beijing-adds-five-rare-earths?utm_source=rss",
     "https://herald.example/asia/rare-earths-export-list",
     "https://daily-b.example/world/beijing-widens-rare-earth-curbs",
     "https://metals-c.example/news/china-tightens-grip-rare-earths",
     "https://policy-d.example/trade/five-more-rare-earths-licensing"},
    {"https://wire.example/markets/china-general-licences-magnets",
     "https://metals-c.example/news/beijing-eases-magnet-bottleneck"},
    {"https://wire.example/markets/china-scandium-lutetium-controls"},
]

EXPECTED_DUPLICATES = {  # url -> (kind, url of the original)
    "https://news-a.example/2025/10/09/beijing-adds-five-rare-earths?utm_source=rss":
        ("exact-duplicate", "https://wire.example/markets/china-rare-earths-export-controls"),
    "https://herald.example/asia/rare-earths-export-list":
        ("duplicate", "https://wire.example/markets/china-rare-earths-export-controls"),
    "https://daily-b.example/world/beijing-widens-rare-earth-curbs":
        ("duplicate", "https://wire.example/markets/china-rare-earths-export-controls"),
}


# Event A reported in other languages: a Chinese report, a Korean report and a Korean headline with its
# one sentence (a news-search entry).
CHINESE_A = """商务部对钬、铒、铥、铕、镱实施出口管制

商务部10月9日发布公告，决定对钬、铒、铥、铕、镱等五种中重稀土相关物项实施出口管制，并自12月1日起施行。公告称，境外企业生产的稀土永磁材料中，原产于中国的稀土价值比例达到0.1%及以上的，出口前须获得商务部颁发的两用物项出口许可证件。用于军事用途的出口原则上不予许可。商务部新闻发言人表示，相关措施符合国际通行做法，旨在更好维护国家安全和利益，履行防扩散等国际义务。对于符合规定的民用出口申请，商务部将依法予以许可，并将为合规贸易提供便利。分析人士认为，此举将进一步加强中国对全球稀土供应链的管理。"""

KOREAN_HEADLINE_A = """중국, 희토류 5종 수출 통제 확대

중국 상무부는 9일 홀뮴, 에르븀, 툴륨, 유로퓸, 이테르븀 등 희토류 5종에 대한 수출 통제를 발표했다."""

KOREAN_A = KOREAN_HEADLINE_A + """ 상무부는 12월 1일부터 이들 원소와 관련 장비, 기술을 수출하려면 허가를 받아야 한다고 밝혔다. 해외 기업이 \
만든 자석에 중국산 희토류가 0.1% 이상 들어 있으면 제3국으로 수출할 때도 중국 정부의 승인이 필요하다. 군사용 수출은 원칙적으로 \
허가하지 않는다. 이번 조치는 미중 정상회담을 앞두고 나왔다."""


def foreign_pages() -> list[Page]:
    """Event A in Chinese and Korean, fetched the day after the wire."""
    return [page("https://zh-news.example/2025/10/09/xitu", CHINESE_A, "2025-10-09", "2025-10-10T06:00:00+00:00"),
            page("https://ko-news.example/article/20251009", KOREAN_A, "2025-10-09", "2025-10-10T07:00:00+00:00")]

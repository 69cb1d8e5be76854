"""remon's spiders, one per source kind: `scrapy crawl feed|sitemap|site|seeds -a source=NAME`."""

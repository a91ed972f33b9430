#!/usr/bin/env python3
"""The story links other tools find in a feed or sitemap, for newswatch's differential test.

  reference_links.py feed URL      feedparser: every entry's link
  reference_links.py sitemap URL   ultimate-sitemap-parser: every page of the tree (indexes,
                                   robots.txt and .xml.gz followed)
Prints a JSON array of the URLs as the tool gives them.
"""
import json, logging, sys

logging.disable(logging.CRITICAL)
kind, url = sys.argv[1], sys.argv[2]
if kind == "feed":
    import feedparser
    parsed = feedparser.parse(url)
    links = [e.get("link") for e in parsed.entries if e.get("link")]
else:
    from usp.tree import SitemapFetcher
    from usp.web_client.requests_client import RequestsWebClient
    tree = SitemapFetcher(url=url, recursion_level=0, web_client=RequestsWebClient()).sitemap()
    links = [page.url for page in tree.all_pages()]
print(json.dumps(links))

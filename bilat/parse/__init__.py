"""From raw HTML to an article: main text, title, byline, dateline and a publication date with its origin."""

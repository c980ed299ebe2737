"""Hostile inputs and a checker that finds executable content in rendered HTML."""

from html.parser import HTMLParser

MARK = "XSS"
HOSTILE = [
    "<script>alert('XSS')</script>",
    "<img src=x onerror=\"alert('XSS')\">",
    "<a href=\"javascript:alert('XSS')\">click</a>",
    "[click](javascript:alert('XSS'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=) XSS",
    "![img](javascript:alert('XSS'))",
    "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ1hTUycpPjwvc3ZnPg==) XSS",
    '<svg onload="alert(\'XSS\')"><circle r="1"/></svg>',
    "<svg><script>alert('XSS')</script></svg>",
    "&lt;script&gt;alert('XSS')&lt;/script&gt;",
    "&#x3C;script&#x3E;alert('XSS')&#x3C;/script&#x3E;",
    "[x](jav&#x09;ascript:alert('XSS'))",
    "[y](JaVaScRiPt:alert('XSS'))",
    "<iframe src=\"javascript:alert('XSS')\"></iframe>",
    "\"><script>alert('XSS')</script>",
    "<<script>script>alert('XSS')<</script>/script>",
    '[a](https://ok.example "t" onmouseover="alert(\'XSS\')")',
    "<div style=\"background:url(javascript:alert('XSS'))\">XSS</div>",
    "[ref][1]\n\n[1]: javascript:alert('XSS')",
    "<a href='&#106;avascript:alert(\"XSS\")'>e</a>",
]
ONE_LINE = [h.replace("\n", " ") for h in HOSTILE]

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background"}
VOID_TAGS = {"base", "meta", "link", "embed"}
ACTIVE_TAGS = {"script", "svg", "iframe", "object", "embed", "math", "base", "meta", "link", "style"}


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRS and value.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
            if name == "style" and MARK.lower() in value:
                self.problems.append(f"<{tag} style=...>")
        if tag in ACTIVE_TAGS:
            if any(MARK in (v or "") for _, v in attrs):
                self.problems.append(f"<{tag}> with hostile attributes")
            if tag not in VOID_TAGS:
                self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and MARK in data:
            self.problems.append(f"hostile text inside <{self.stack[-1]}>")


def executable_content(html):
    """A list of problems: event handlers, dangerous URL schemes, hostile script/svg content."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems

import re

import pytest

bs4 = pytest.importorskip("bs4")  # shipped with Frappe; the bench's Python always has it

from community_governance.utils.text import plain_text


@pytest.mark.parametrize(
	"raw, expected",
	[
		("The lift is broken", "The lift is broken"),
		("  spaces around  ", "spaces around"),
		("<b>bold</b> claim", "bold  claim"),
		("lift<script>alert('x')</script> broken", "lift  broken"),
		('<img src=x onerror="alert(1)">water leak', "water leak"),
		("楼道灯坏了<style>p{}</style>", "楼道灯坏了"),
		# an encoded tag is decoded and then dropped like any tag: it would be markup once shown
		("&lt;b&gt;bold&lt;/b&gt; claim", "bold  claim"),
		("&lt;script&gt;alert(1)&lt;/script&gt; broken", "broken"),
	],
)
def test_markup_is_dropped_and_text_kept(raw, expected):
	assert plain_text(raw) == expected


# what a curious resident might type to get markup stored and shown as markup
SMUGGLED = [
	"&lt;a href=https://evil.example&gt;claim your prize&lt;/a&gt;",
	"&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
	"&amp;amp;lt;img src=x onerror=alert(1)&amp;amp;gt;",
	"&#60;svg onload=alert(1)&#62;",
	"&#x3c;iframe src=//evil.example&#x3e;",
	"</title><script>alert(1)</script>",
	"<scr<script>ipt>alert(1)</script>",
	"<<script>script>alert(1)<</script>/script>",
	"<svg/onload=alert(1)>lift",
	"&lt;!-- hidden --&gt;note",
	"a <b",
	"<![CDATA[<script>alert(1)</script>]]>",
	"&amp;" + "amp;" * 40 + "lt;script&gt;",
]


@pytest.mark.parametrize("raw", SMUGGLED)
def test_encoded_markup_never_comes_out_as_markup(raw):
	text = plain_text(raw)
	assert bs4.BeautifulSoup(text, "html.parser").find() is None, text
	assert not re.search(r"<[A-Za-z/!?]", text), text


@pytest.mark.parametrize(
	"raw, expected",
	[
		("&lt;a href=x&gt;link&lt;/a&gt;", "link"),
		("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; broken", "broken"),
		("Tom &amp; Jerry", "Tom & Jerry"),
		("caf&eacute; 楼道灯", "café 楼道灯"),
		("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
		("a & b", "a & b"),
		("a <b", "a < b"),
	],
)
def test_decoded_until_nothing_changes(raw, expected):
	assert plain_text(raw) == expected


@pytest.mark.parametrize(
	"raw",
	[*SMUGGLED, "The lift is broken", "<b>bold</b> claim", "x < y", "&&", "&amp;amp;", "<", "", "  "],
)
def test_plain_text_is_stable(raw):
	once = plain_text(raw)
	assert plain_text(once) == once

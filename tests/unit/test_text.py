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
		("&lt;script&gt; stays text", "<script> stays text"),
	],
)
def test_markup_is_dropped_and_text_kept(raw, expected):
	assert plain_text(raw) == expected

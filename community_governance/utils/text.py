"""Residents' free text is kept and shown as plain text; staff's formatted text keeps only safe markup."""

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from frappe.utils.html_utils import sanitize_html

# a short text that looks like a file name or an address is still a person's text
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

# dropped with everything inside them: what they hold is code, not words a person typed
CODE_ELEMENTS = ["script", "style", "iframe", "object", "embed", "template", "noscript", "textarea"]
# Each round decodes one layer of entities; text encoded more often than this is not a person's
# words but an attempt to smuggle markup past the filter, and loses its markup characters.
MAX_ROUNDS = 8
MARKUP_CHARACTERS = re.compile(r"[<>&]")
# what a browser would read as the start of a tag, a comment or a declaration
TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")


def plain_text(value: str) -> str:
	"""Drop markup, scripts and styles; keep the words a person typed.

	Stable: entities are decoded and markup dropped again until nothing changes, so text encoded
	twice (``&amp;lt;script&amp;gt;``) does not come out as markup, and
	``plain_text(plain_text(x)) == plain_text(x)``."""
	text = value.strip()
	for _ in range(MAX_ROUNDS):
		if "<" not in text and "&" not in text:
			return text
		stripped = _strip_markup_once(text)
		if stripped == text:
			return TAG_OPENING.sub("< ", text)
		text = stripped
	return MARKUP_CHARACTERS.sub("", text).strip()


def _strip_markup_once(text: str) -> str:
	soup = BeautifulSoup(text, "html.parser")
	for element in soup(CODE_ELEMENTS):
		element.decompose()
	return soup.get_text(" ").strip()


def rich_text(value: str) -> str:
	"""Formatting typed in a text editor (paragraphs, bold, lists, links, images) is kept. Scripts,
	styles and frames go with everything inside them (Frappe's sanitiser alone would keep their code
	as visible text), event handlers and unsafe addresses by Frappe's sanitiser."""
	soup = BeautifulSoup(value or "", "html.parser")
	for element in soup(CODE_ELEMENTS):
		element.decompose()
	return sanitize_html(str(soup), linkify=True)

"""Residents' free text is kept and shown as plain text."""

from bs4 import BeautifulSoup


def plain_text(value: str) -> str:
	"""Drop markup, scripts and styles; keep the words a person typed."""
	if "<" not in value and "&" not in value:
		return value.strip()
	soup = BeautifulSoup(value, "html.parser")
	for element in soup(["script", "style", "iframe", "object", "embed"]):
		element.decompose()
	return soup.get_text(" ").strip()

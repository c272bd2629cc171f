"""A real browser (Debian's Chromium, headless, driven by Playwright) on the test site, with the checks
every journey applies to every page it shows: no untranslated English string of the app, no
JavaScript error, no horizontal scrolling on a phone; and a timing of each page load.

The browser talks only to the site on 127.0.0.1: anything else a page asks for (map tiles) is
answered empty, so the journeys need no network and stay fast.
"""

import csv
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

CHROMIUM = os.environ.get("CG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
PHONE = {
	"viewport": {"width": 390, "height": 844},
	"device_scale_factor": 1,  # small screenshots; layout is what is checked, not pixels
	"is_mobile": True,
	"has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
CHINESE = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
TRANSLATIONS = os.path.join(
	os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
	"community_governance",
	"translations",
	"zh.csv",
)
BENCH = os.path.expanduser(os.environ.get("FRAPPE_BENCH", "~/frappe-bench"))
SCREENSHOTS = os.environ.get("CG_SCREENSHOT_DIR") or os.path.join(BENCH, "logs", "cg-browser-screenshots")
# when set, the screenshots the README shows are also written there, reduced to a small palette
README_SCREENSHOTS = os.environ.get("CG_README_SCREENSHOTS")
# when set, every visible text with an English word is appended there (a review aid, never a failure)
ENGLISH_LOG = os.environ.get("CG_ENGLISH_LOG")
# the test bench runs no realtime server: the desk's socket.io polling is refused, which is no error of the app
IGNORED_REQUEST_PATHS = ("/socket.io/",)
DEFAULT_TIMEOUT_MS = 30_000

# every visible text node, the selected option of a select and the placeholder of an empty field
VISIBLE_TEXTS_JS = """
() => {
	const shown = (element) => {
		if (!element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
		const box = element.getBoundingClientRect();
		// screen-reader-only text is clipped to a pixel, or parked outside the page
		return box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0;
	};
	const texts = [];
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	while (walker.nextNode()) {
		const text = walker.currentNode.nodeValue.replace(/\\s+/g, " ").trim();
		let element = walker.currentNode.parentElement;
		if (!text || !element || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(element.tagName)) continue;
		if (element.tagName === "OPTION") {
			if (!element.selected) continue;
			element = element.closest("select");
		}
		if (element && shown(element)) texts.push(text);
	}
	for (const input of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
		if (!input.value && shown(input)) texts.push(input.placeholder.trim());
	}
	return texts;
}
"""

# a box on the page whose own content scrolls sideways (a table wider than the phone, say)
SIDEWAYS_SCROLLERS_JS = """
() => {
	const found = [];
	for (const element of document.querySelectorAll("body *")) {
		const overflow = getComputedStyle(element).overflowX;
		if (!["auto", "scroll"].includes(overflow) || element.scrollWidth <= element.clientWidth + 1) continue;
		if (!element.checkVisibility() || element.clientWidth < 2) continue;
		const name = element.tagName.toLowerCase() + [...element.classList].map((c) => "." + c).join("");
		found.push(`${name} (${element.scrollWidth}px in ${element.clientWidth}px)`);
	}
	return found.join(", ");
}
"""


# --- the app's English strings ---------------------------------------------------------------


@dataclass(frozen=True)
class AppStrings:
	"""The app's English source strings that must never be seen on a Chinese page."""

	exact: frozenset
	patterns: tuple  # (compiled regex, source string) for strings with {0} placeholders

	def untranslated(self, texts) -> list[str]:
		found = []
		for text in texts:
			if text in self.exact:
				found.append(text)
				continue
			for pattern, source in self.patterns:
				if pattern.fullmatch(text):
					found.append(f"{text} (from {source!r})")
					break
		return sorted(set(found))


@cache
def app_strings() -> AppStrings:
	"""The keys of the app's zh.csv that have a Chinese translation.

	A visible text node is untranslated when it is exactly one of them. A key with placeholders
	matches with any text in their place, but only when its own words are specific enough (a word of
	three letters or more): "{0} left" is checked, "{0}: {1}" is not. Keys without a letter (numbers,
	punctuation) cannot be told from data.
	"""
	exact, patterns = set(), []
	with open(TRANSLATIONS, newline="") as fh:
		for row in csv.reader(fh):
			if len(row) < 2 or not row[0] or row[0] == row[1] or not re.search(r"[A-Za-z]", row[0]):
				continue
			source = " ".join(row[0].split())
			if "{" not in source:
				exact.add(source)
				continue
			words = re.sub(r"\{\d*\}", " ", source)
			if not re.search(r"[A-Za-z]{3,}", words):
				continue
			parts = re.split(r"\{\d*\}", source)
			pattern = re.compile(".+?".join(re.escape(part) for part in parts), re.S)
			patterns.append((pattern, source))
	return AppStrings(frozenset(exact), tuple(patterns))


# --- what a journey records ------------------------------------------------------------------


@dataclass
class PageLoad:
	journey: str
	page: str
	seconds: float


@dataclass
class Problems:
	"""What the checks found on a journey's pages, reported all at once at its end."""

	untranslated: dict = field(default_factory=dict)  # page -> [strings]
	console_errors: list = field(default_factory=list)
	overflowing: dict = field(default_factory=dict)  # page -> what is too wide

	def __bool__(self):
		return bool(self.untranslated or self.console_errors or self.overflowing)

	def describe(self) -> str:
		lines = []
		for page, strings in self.untranslated.items():
			lines.append(f"untranslated on {page}: {strings}")
		for message in self.console_errors:
			lines.append(f"console: {message}")
		for page, what in self.overflowing.items():
			lines.append(f"{page} is too wide for the phone: {what}")
		return "\n".join(lines)


# --- the browser -----------------------------------------------------------------------------


def chromium_missing() -> str | None:
	"""Why the browser journeys cannot run here, or None."""
	try:
		import playwright.sync_api  # noqa: F401
	except ImportError:
		return "Playwright is not installed in this Python"
	if not os.access(CHROMIUM, os.X_OK):
		return f"no Chromium at {CHROMIUM}"
	return None


@contextmanager
def chromium():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		try:
			yield browser
		finally:
			browser.close()


class Screen:
	"""One user's browser tab, in Chinese, on a phone or a desktop screen."""

	def __init__(self, browser, base_url: str, journey: str, *, phone: bool = True):
		self.base_url, self.journey, self.phone = base_url, journey, phone
		self.context = browser.new_context(**(PHONE if phone else DESKTOP), **CHINESE)
		self.context.set_default_timeout(DEFAULT_TIMEOUT_MS)
		self.context.route(
			re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.fulfill(status=204)
		)
		self.page = self.context.new_page()
		self.loads: list[PageLoad] = []
		self.problems = Problems()
		self.expected_refusals: set[str] = set()
		self.dialogs: list[str] = []
		self.page.on("console", self._on_console)
		self.page.on("pageerror", self._on_page_error)
		self.page.on("dialog", self._on_dialog)

	def close(self):
		self.context.close()

	# --- events ---

	def _on_console(self, message):
		if message.type != "error":
			return
		url = message.location.get("url", "")
		if any(path in url for path in IGNORED_REQUEST_PATHS):
			return
		if "Failed to load resource" in message.text and url in self.expected_refusals:
			return
		self.problems.console_errors.append(f"{self.page.url}: {message.text[:300]} ({url})")

	def _on_page_error(self, error):
		where = (error.stack or "").splitlines()[1:4]
		self.problems.console_errors.append(
			f"{self.page.url}: {error} {' / '.join(line.strip() for line in where)}"
		)

	def _on_dialog(self, dialog):
		# the resident pages confirm with the browser's own dialog: record what it asked, then agree
		self.dialogs.append(dialog.message)
		dialog.accept()

	# --- loading pages ---

	def url(self, path: str) -> str:
		return path if path.startswith("http") else f"{self.base_url}{path}"

	@contextmanager
	def loading(self, name: str, ready: str | None = None, until: str | None = None):
		"""Time a page load: from what the block does (a click, a submit) until ``ready`` is visible
		and the JavaScript condition ``until`` holds, which is when the person can read the page.
		Then, once the network is quiet, check the page."""
		started = time.perf_counter()
		try:
			yield
			if ready:
				self.page.locator(ready).first.wait_for(state="visible")
			if until:
				self.page.wait_for_function(until)
			seconds = time.perf_counter() - started
			self.page.wait_for_load_state("networkidle")
		except Exception:
			self.screenshot(f"failed-{name}", full_page=True)  # what the page showed instead
			raise
		self.loads.append(PageLoad(self.journey, name, seconds))
		self.check(name)

	def open(
		self,
		name: str,
		path: str,
		ready: str | None = None,
		until: str | None = None,
		*,
		refused: bool = False,
	):
		"""Open a page by its address; ``refused`` when the page itself answers with an error status
		that the journey expects (the browser logs that as a failed load)."""
		if refused:
			self.expected_refusals.add(self.url(path))
		with self.loading(name, ready, until):
			self.page.goto(self.url(path))

	# --- checks ---

	def visible_texts(self) -> list[str]:
		return self.page.evaluate(VISIBLE_TEXTS_JS)

	def check(self, name: str):
		"""What every page of a journey must satisfy; collected, and asserted at the journey's end."""
		texts = self.visible_texts()
		if ENGLISH_LOG:
			# to review by hand: every visible text with an English word, whoever's string it is
			with open(ENGLISH_LOG, "a") as log:
				for text in sorted({text for text in texts if re.search(r"[A-Za-z]{3,}", text)}):
					log.write(f"{self.journey}\t{name}\t{text}\n")
		untranslated = app_strings().untranslated(texts)
		if untranslated:
			self.problems.untranslated.setdefault(name, [])
			self.problems.untranslated[name] = sorted(
				set(self.problems.untranslated[name]) | set(untranslated)
			)
		if self.phone:
			width = self.page.evaluate("document.documentElement.scrollWidth")
			if width > self.page.viewport_size["width"] + 1:
				self.problems.overflowing[name] = f"the page is {width}px wide"
			scrolling = self.page.evaluate(SIDEWAYS_SCROLLERS_JS)
			if scrolling:
				self.problems.overflowing[name] = f"scrolls sideways inside {scrolling}"

	def assert_no_problems(self):
		assert not self.problems, f"{self.journey}:\n{self.problems.describe()}"

	def text(self, selector: str) -> str:
		return " ".join(self.page.locator(selector).first.inner_text().split())

	def screenshot(self, name: str, *, readme: bool = False, full_page: bool = False):
		os.makedirs(SCREENSHOTS, exist_ok=True)
		path = os.path.join(SCREENSHOTS, f"{self.journey}-{name}.png")
		self.page.screenshot(path=path, full_page=full_page)
		if readme and README_SCREENSHOTS:
			save_small_png(path, os.path.join(README_SCREENSHOTS, f"{self.journey}-{name}.png"))
		return path


def save_small_png(source: str, target: str):
	"""A copy for the README: 64 colours are plenty for a UI, and keep it well under 200 KB."""
	from PIL import Image

	os.makedirs(os.path.dirname(target), exist_ok=True)
	with Image.open(source) as image:
		image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
	if os.path.getsize(target) > os.path.getsize(source):
		shutil.copyfile(source, target)

"""Two tiers share one command, ``python -m pytest tests``:

- ``tests/unit``: framework-free, runs anywhere;
- ``tests/integration``: runs on a real Frappe site; it needs the bench's Python and
  ``CG_TEST_SITE`` (the site to use) and ``FRAPPE_BENCH`` (default ``~/frappe-bench``).
"""

import importlib.util
import os

collect_ignore = []

if not os.environ.get("CG_TEST_SITE") or importlib.util.find_spec("frappe") is None:
	collect_ignore.append("integration")


def pytest_report_header(config):
	if "integration" in collect_ignore:
		return "tiers: unit only (no CG_TEST_SITE or no Frappe on this Python)"
	return f"tiers: unit + integration on site {os.environ['CG_TEST_SITE']}"

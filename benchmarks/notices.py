"""A street-wide notice to 6,300 residents: how long delivering it takes (receipts, Notification
Logs) and how long a resident's page and the unread list take afterwards.

    PYTHONPATH=<app checkout> /root/frappe-bench/env/bin/python benchmarks/notices.py --site SITE \\
        [--residents 6300] [--buildings 150]

It writes a benchmark community (NB-C, one grid, ``--buildings`` buildings) and ``--residents``
residents straight to the database inside one transaction, publishes a street-wide notice as
Administrator, times it, and rolls everything back: nothing is left on the site.
"""

import argparse
import os
import time

import frappe
from frappe.utils import add_to_date, now_datetime


def build(residents: int, buildings: int) -> list[str]:
	from tests.integration import world

	world.ensure_grid("NB-C", "Notice Bench Community", "Community", street(), None)
	world.ensure_grid("NB-G", "Notice Bench Grid", "Grid", "NB-C", None)
	names = [f"NB-G-{number}" for number in range(1, buildings + 1)]
	now = now_datetime()
	frappe.db.bulk_insert(
		"Building",
		["name", "building_name", "building_type", "grid", "community", "creation", "modified", "owner"],
		[(name, name, "Multi-storey", "NB-G", "NB-C", now, now, "Administrator") for name in names],
	)
	frappe.db.bulk_insert(
		"Resident",
		[
			"name",
			"full_name",
			"status",
			"building",
			"unit",
			"room",
			"grid",
			"community",
			"phone",
			"creation",
			"modified",
			"owner",
		],
		[
			(
				f"NB-R-{number:05d}",
				f"Bench {number}",
				"Active",
				names[number % buildings],
				"1",
				str(100 + number // buildings),
				"NB-G",
				"NB-C",
				f"139{number:08d}",
				now,
				now,
				"Administrator",
			)
			for number in range(residents)
		],
	)
	return names


def street() -> str:
	return frappe.get_all("Grid", filters={"level": "Street"}, pluck="name", limit=1)[0]


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--residents", type=int, default=6300)
	parser.add_argument("--buildings", type=int, default=150)
	args = parser.parse_args()
	os.chdir(os.path.join(os.environ.get("FRAPPE_BENCH", "/root/frappe-bench"), "sites"))
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from community_governance import notices

	try:
		build(args.residents, args.buildings)
		doc = frappe.get_doc(
			{
				"doctype": "Community Notice",
				"title": "Benchmark",
				"body": "<p>Benchmark</p>",
				"audience": "Street",
				"requires_confirmation": 1,
				"publish_on": add_to_date(now_datetime(), minutes=-1),
			}
		).insert()
		started = time.perf_counter()
		doc.submit()
		submitted = time.perf_counter() - started
		print(f"delivered to {doc.recipients} residents in {len(doc.buildings)} buildings: {submitted:.2f} s")
		started = time.perf_counter()
		rows = notices.notices_of("NB-R-00001")
		count = notices.unread_count("NB-R-00001")
		print(
			f"a resident's notices ({len(rows)}) and unread count ({count}): {time.perf_counter() - started:.3f} s"
		)
		started = time.perf_counter()
		report = notices.unread_by_building(doc)
		print(
			f"unread list, {len(report['buildings'])} buildings, {report['recipients']} residents: "
			f"{time.perf_counter() - started:.2f} s"
		)
	finally:
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()

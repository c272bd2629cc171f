"""Every user-facing string of the app has a Simplified Chinese translation in the app itself."""

import json
import os

import frappe
from frappe.translate import get_messages_for_app, get_translations_from_csv

APP = "community_governance"
MODULE = "Community Governance"


def zh():
	return get_translations_from_csv("zh", APP)


def doctype_labels() -> set[str]:
	labels = set()
	for doctype in frappe.get_all("DocType", {"module": MODULE}, pluck="name"):
		meta = frappe.get_meta(doctype)
		labels.add(doctype)
		for df in meta.fields:
			labels.update(filter(None, [df.label, df.description]))
			if df.fieldtype == "Select" and df.options:
				labels.update(option for option in df.options.split("\n") if option)
		labels.update(perm.role for perm in meta.permissions)
	return labels


def workspace_labels() -> set[str]:
	labels = set()
	folder = frappe.get_module_path(MODULE, "workspace")
	for name in os.listdir(folder):
		with open(os.path.join(folder, name, f"{name}.json")) as fh:
			workspace = json.load(fh)
		labels.add(workspace["label"])
		labels.update(link["label"] for link in workspace["links"])
		labels.update(shortcut["label"] for shortcut in workspace["shortcuts"])
		for block in json.loads(workspace["content"]):
			if block["type"] == "header":
				labels.add(frappe.utils.strip_html(block["data"]["text"]).replace("&amp;", "&"))
	return labels


def report_labels() -> set[str]:
	labels = set()
	for report in frappe.get_all("Report", {"module": MODULE}, pluck="name"):
		labels.add(report)
		module = frappe.get_module(
			f"{APP}.{frappe.scrub(MODULE)}.report.{frappe.scrub(report)}.{frappe.scrub(report)}"
		)
		labels.update(column["label"] for column in module.get_columns())
	return labels


def app_messages() -> set[str]:
	return {
		message[1]
		for message in get_messages_for_app(APP)
		if message[1] and not (message[0] or "").startswith("Navbar")
	}


def test_every_doctype_label_option_and_role_is_translated():
	missing = sorted(label for label in doctype_labels() if label not in zh())
	assert not missing, f"untranslated DocType labels: {missing}"


def test_every_message_in_code_is_translated():
	missing = sorted(message for message in app_messages() if message not in zh())
	assert not missing, f"untranslated messages: {missing}"


def test_workspace_and_report_labels_are_translated():
	missing = sorted(label for label in workspace_labels() | report_labels() if label not in zh())
	assert not missing, f"untranslated workspace or report labels: {missing}"


def test_translations_are_not_left_in_english():
	for source, translated in zh().items():
		assert translated and translated != source, source


def test_the_glossary_terms_follow_the_field_brief():
	translations = zh()
	for english, chinese in {
		"Grid": "网格",
		"Grid Worker": "网格员",
		"Building": "楼栋",
		"Building Captain": "楼栋长",
		"Unit Head": "单元长",
		"Resident": "居民",
		"Community Worker": "社区工作者",
		"Street": "街道",
		"Community": "社区",
	}.items():
		assert translations[english] == chinese

"""With ERPNext beside the app, handing over a reward linked to an item issues it from stock."""

import pytest

import frappe
from community_governance import ledger
from community_governance.api import points as points_api
from tests.integration.conftest import as_user

pytestmark = pytest.mark.erpnext


@pytest.fixture(scope="module")
def erpnext_company(site):
	if "erpnext" not in frappe.get_installed_apps():
		pytest.skip("ERPNext is not installed on this site")
	from erpnext.setup.utils import before_tests

	before_tests()  # ERPNext's own test set-up: a company, fiscal year, warehouses, item groups
	frappe.db.commit()
	return frappe.get_all("Company", pluck="name", limit=1)[0]


def stocked_item(company, qty):
	item_code = "CG-REWARD-RICE"
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_name": "Rice, 5 kg bag",
				"item_group": frappe.get_all("Item Group", {"is_group": 0}, pluck="name", limit=1)[0],
				"stock_uom": "Nos",
				"is_stock_item": 1,
			}
		).insert()
	warehouse = frappe.get_all("Warehouse", {"company": company, "is_group": 0}, pluck="name", limit=1)[0]
	receipt = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company,
			"items": [{"item_code": item_code, "qty": qty, "t_warehouse": warehouse, "basic_rate": 50}],
		}
	).insert()
	receipt.submit()
	return item_code, warehouse


def stock_of(item_code, warehouse):
	return frappe.db.get_value("Bin", {"item_code": item_code, "warehouse": warehouse}, "actual_qty") or 0


def test_fulfilling_a_linked_reward_submits_a_material_issue(world, erpnext_company):
	item_code, warehouse = stocked_item(erpnext_company, qty=5)
	before = stock_of(item_code, warehouse)
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": "Bag of rice",
			"reward_type": "Goods",
			"provider": "Community store",
			"points_cost": 4,
			"stock": 3,
			"item_code": item_code,
			"warehouse": warehouse,
		}
	).insert()
	ledger.post(world.residents["resident1"], 8, "Adjustment", remark="for the ERPNext test")

	as_user(world.users["resident1"])
	name = points_api.request_redemption(reward.name)["name"]
	as_user(world.users["cw1"])
	points_api.act_on_redemption(name, "Approve")
	points_api.act_on_redemption(name, "Fulfil")

	as_user("Administrator")
	entry_name = frappe.db.get_value("Reward Redemption", name, "stock_entry")
	entry = frappe.get_doc("Stock Entry", entry_name)
	assert entry.docstatus == 1 and entry.stock_entry_type == "Material Issue"
	assert [(row.item_code, row.qty, row.s_warehouse) for row in entry.items] == [(item_code, 1, warehouse)]
	assert stock_of(item_code, warehouse) == before - 1


def test_a_reward_linked_to_a_missing_item_is_refused(world, erpnext_company):
	with pytest.raises(frappe.ValidationError, match="does not exist"):
		frappe.get_doc(
			{
				"doctype": "Reward",
				"reward_name": "Ghost",
				"points_cost": 1,
				"stock": 1,
				"item_code": "NO-SUCH-ITEM",
				"warehouse": "Nowhere",
			}
		).insert()


def test_an_unlinked_reward_is_fulfilled_without_stock(world, erpnext_company):
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": "Haircut voucher",
			"reward_type": "Service",
			"points_cost": 2,
			"stock": 2,
		}
	).insert()
	ledger.post(world.residents["resident1"], 2, "Adjustment", remark="for the ERPNext test")
	as_user(world.users["resident1"])
	name = points_api.request_redemption(reward.name)["name"]
	as_user(world.users["cw1"])
	points_api.act_on_redemption(name, "Approve")
	points_api.act_on_redemption(name, "Fulfil")
	assert not frappe.db.get_value("Reward Redemption", name, "stock_entry")


@pytest.mark.http
def test_a_merchant_honouring_a_linked_reward_at_the_counter_issues_it_from_stock(
	world, erpnext_company, server
):
	"""Over HTTP: the resident's approved redemption, honoured with its code by the merchant's login,
	leaves the warehouse once; a second try is refused and moves no stock; the ledger agrees."""
	from community_governance import merchants

	item_code, warehouse = stocked_item(erpnext_company, qty=4)
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": "Bag of rice at the barber's",
			"reward_type": "Goods",
			"merchant": world.merchants["merchant1"],
			"points_cost": 3,
			"stock": 3,
			"item_code": item_code,
			"warehouse": warehouse,
		}
	).insert()
	resident = world.residents["resident1"]
	columns = ("balance", *ledger.SECTION_FIELDS.values())
	account_before = frappe.db.get_value("Points Account", resident, columns, as_dict=True)
	adjustment = ledger.post(resident, 6, "Adjustment", remark="for the ERPNext counter test").name
	frappe.db.commit()
	before = stock_of(item_code, warehouse)
	name = None
	try:
		as_user(world.users["resident1"])
		name = points_api.request_redemption(reward.name, quantity=2)["name"]
		as_user(world.users["cw1"])
		points_api.act_on_redemption(name, "Approve")
		as_user("Administrator")
		frappe.db.commit()
		balance_after_approval = ledger.balance_of(resident)["balance"]
		code = frappe.db.get_value("Reward Redemption", name, "redemption_code")

		counter = server.session(world.users["merchant1"], world.password)
		path = "/api/method/community_governance.api.merchants.honour_code"
		assert (
			server.session(world.users["merchant2"], world.password).post(path, code=code).status_code == 403
		)
		honoured = counter.post(path, code=merchants.format_code(code))
		assert honoured.status_code == 200, honoured.text[:500]
		assert counter.post(path, code=code).status_code == 417
		frappe.db.rollback()

		entry_name = frappe.db.get_value("Reward Redemption", name, "stock_entry")
		entry = frappe.get_doc("Stock Entry", entry_name)
		assert entry.docstatus == 1 and entry.stock_entry_type == "Material Issue"
		assert [(row.item_code, row.qty, row.s_warehouse) for row in entry.items] == [
			(item_code, 2, warehouse)
		]
		assert stock_of(item_code, warehouse) == before - 2
		assert frappe.db.count("Stock Entry", {"remarks": ("like", f"%{name}%")}) == 1
		assert ledger.balance_of(resident)["balance"] == balance_after_approval
		assert not ledger.drift()
	finally:
		frappe.db.rollback()
		as_user("Administrator")
		if name:
			transaction = frappe.qb.DocType("Points Transaction")
			frappe.qb.from_(transaction).delete().where(transaction.source_name == name).run()
			frappe.db.delete("Reward Redemption", {"name": name})
		frappe.db.delete("Points Transaction", {"name": adjustment})
		frappe.db.delete("Reward", {"name": reward.name})
		account = frappe.qb.DocType("Points Account")
		if account_before:
			restore = frappe.qb.update(account).where(account.name == resident)
			for column in columns:
				restore = restore.set(account[column], account_before[column])
			restore.run()
		else:
			frappe.qb.from_(account).delete().where(account.name == resident).run()
		ledger.rebuild_monthly_totals()  # the rows went behind the ledger's back
		frappe.db.commit()

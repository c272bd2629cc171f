// Messages Frappe's web form script shows, translated by service_request.py
Object.assign(frappe._messages, frappe.web_form_doc.script_messages || {});

// What the resident filed; the controller keeps it as filed whatever a later save sends.
const FILED_FIELDS = ["request_type", "category", "priority", "description", "photo", "unit"];

// Frappe runs this hook while it builds the form, once the request's values are in place.
frappe.init_client_script = () => {
	const web_form = frappe.web_form;
	const request = web_form.doc || {};
	if (!request.name) {
		return;
	}
	// set here rather than by read_only_depends_on: re-rendering a field of a new form drops its default
	FILED_FIELDS.forEach((fieldname) => web_form.set_df_property(fieldname, "read_only", 1));
	// a filed request changes only by its rating, which is given once it is resolved
	if (request.workflow_state !== "Resolved") {
		$(".web-form-footer .submit-btn, .web-form-footer .discard-btn").hide();
	}
};

// A read-only photo renders no input: Frappe's attach control would still reach for one when the
// filed request's value is set, and stop the page's script. Keep the value, skip the missing input.
frappe.ui.form.ControlAttach &&
	((set_input) => {
		frappe.ui.form.ControlAttach.prototype.set_input = function (value, dataurl) {
			if (!this.$input) {
				this.value = value;
				return;
			}
			return set_input.call(this, value, dataurl);
		};
	})(frappe.ui.form.ControlAttach.prototype.set_input);

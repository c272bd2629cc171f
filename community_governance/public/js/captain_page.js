// The captain's page (www/me/captain.html): each button is one POST to the app's API, then the page
// reloads to show the new state. Included inline by that page only, so it needs no asset build.
(() => {
	const API = "/api/method/community_governance.api.";
	const message = document.getElementById("captain-message");

	const show = (text, kind) => {
		message.textContent = text;
		message.className = `alert alert-${kind}`;
		message.scrollIntoView({ block: "nearest" });
	};

	// Frappe answers a refusal with its messages, already translated, in _server_messages
	const refusal = (body) => {
		try {
			return JSON.parse(body._server_messages)
				.map((item) => JSON.parse(item).message)
				.join(" ")
				.replace(/<[^>]+>/g, "");
		} catch (error) {
			return __("Something went wrong; please try again.");
		}
	};

	const post = async (path, data) => {
		const body = data instanceof FormData ? data : JSON.stringify(data);
		const headers = { "X-Frappe-CSRF-Token": frappe.csrf_token, Accept: "application/json" };
		if (!(data instanceof FormData)) headers["Content-Type"] = "application/json";
		const response = await fetch(path, { method: "POST", headers, body, credentials: "same-origin" });
		const answer = await response.json().catch(() => ({}));
		if (!response.ok) throw new Error(refusal(answer));
		return answer.message;
	};

	const act = async (button, work, done) => {
		button.disabled = true;
		show(__("Sending…"), "info");
		try {
			const result = await work();
			sessionStorage.setItem("captain-message", done(result));
			window.location.reload();
		} catch (error) {
			show(error.message, "danger");
			button.disabled = false;
		}
	};

	const flash = sessionStorage.getItem("captain-message");
	if (flash) {
		sessionStorage.removeItem("captain-message");
		show(flash, "success");
	}

	document.querySelectorAll("[data-nil-report]").forEach((button) => {
		button.addEventListener("click", () =>
			act(
				button,
				() => post(`${API}patrol.send_nil_report`, { building: button.dataset.nilReport }),
				() => __("Nil report sent.")
			)
		);
	});

	document.querySelectorAll("[data-open-finding]").forEach((button) => {
		button.addEventListener("click", () => {
			const form = document.querySelector(`[data-finding-form="${button.dataset.openFinding}"]`);
			form.classList.toggle("d-none");
			if (!form.classList.contains("d-none")) form.querySelector("[name=description]").focus();
		});
	});

	document.querySelectorAll("[data-finding-form]").forEach((form) => {
		// the phone's own file button speaks the phone's language: the page shows its own
		form.photo.addEventListener("change", () => {
			const file = form.photo.files[0];
			form.querySelector("[data-photo-label]").textContent = file
				? __("Photo: {0}", [file.name])
				: __("Take or Choose a Photo");
		});
		form.addEventListener("submit", (event) => {
			event.preventDefault();
			const submit = form.querySelector("[type=submit]");
			const description = form.description.value.trim();
			if (!description) {
				show(__("Describe what was found."), "warning");
				return;
			}
			act(
				submit,
				async () => {
					let photo = null;
					const file = form.photo.files[0];
					if (file) {
						const upload = new FormData();
						upload.append("file", file, file.name);
						upload.append("is_private", "1");
						photo = (await post("/api/method/upload_file", upload)).file_url;
					}
					return post(`${API}patrol.log_finding`, {
						building: form.dataset.findingForm,
						finding_type: form.finding_type.value,
						description,
						photo,
						needs_handling: form.needs_handling.checked ? 1 : 0,
						category: form.category ? form.category.value : null,
					});
				},
				(result) =>
					result.service_request
						? __("Finding saved as request {0}.", [result.service_request])
						: __("Finding saved.")
			);
		});
	});

	document.querySelectorAll("[data-dispatch]").forEach((button) => {
		button.addEventListener("click", () =>
			act(
				button,
				() =>
					post(`${API}service_request.dispatch`, {
						name: button.dataset.dispatch,
						assignee: button.dataset.assignee,
					}),
				() => __("Dispatched to {0}.", [button.dataset.assigneeName])
			)
		);
	});

	document.querySelectorAll("[data-reject-form]").forEach((form) => {
		form.addEventListener("submit", (event) => {
			event.preventDefault();
			const reason = form.reason.value.trim();
			if (!reason) {
				show(__("Give the resident a reason for the rejection."), "warning");
				form.reason.focus();
				return;
			}
			act(
				form.querySelector("[type=submit]"),
				() => post(`${API}service_request.reject`, { name: form.dataset.rejectForm, reason }),
				() => __("Request rejected.")
			);
		});
	});
})();

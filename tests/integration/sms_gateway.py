"""A stand-in SMS gateway on 127.0.0.1: Frappe's own ``send_sms`` makes a real HTTP request to it.

``sms_gateway`` (conftest) points the site's SMS Settings at it for one test and clears them after,
so tests without the fixture see a site with no SMS configured.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import frappe

MESSAGE_PARAMETER = "text"
RECEIVER_PARAMETER = "to"


class SmsGateway:
	def __init__(self):
		self.messages: list[dict] = []
		self._lock = threading.Lock()
		gateway = self

		class Handler(BaseHTTPRequestHandler):
			def _record(self, params: dict):
				with gateway._lock:
					gateway.messages.append(
						{
							"to": params.get(RECEIVER_PARAMETER, [""])[0],
							"text": params.get(MESSAGE_PARAMETER, [""])[0],
						}
					)
				self.send_response(200)
				self.send_header("Content-Type", "application/json")
				self.end_headers()
				self.wfile.write(json.dumps({"status": "ok"}).encode())

			def do_GET(self):
				self._record(parse_qs(urlparse(self.path).query))

			def do_POST(self):
				length = int(self.headers.get("Content-Length") or 0)
				self._record(parse_qs(self.rfile.read(length).decode()))

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
		self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

	def __enter__(self):
		self._thread.start()
		return self

	def __exit__(self, *exc):
		self.server.shutdown()
		self.server.server_close()

	def sent_to(self, number: str) -> list[str]:
		"""Texts sent to ``number`` (Frappe strips the leading + and spaces of a receiver)."""
		digits = number.lstrip("+").replace(" ", "")
		with self._lock:
			return [m["text"] for m in self.messages if m["to"].lstrip("+").endswith(digits[-11:])]


def configure(url: str | None) -> None:
	"""Point the site's SMS Settings at ``url``, or clear them (no SMS on this site)."""
	settings = frappe.get_single("SMS Settings")
	settings.sms_gateway_url = url or ""
	settings.message_parameter = MESSAGE_PARAMETER if url else ""
	settings.receiver_parameter = RECEIVER_PARAMETER if url else ""
	settings.use_post = 0
	settings.set("parameters", [])
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	frappe.db.commit()

"""A worker's report reads only the period's requests of their scope: the indexes on each column of
the scope and the filing time."""

from community_governance.community_governance.doctype.service_request.service_request import (
	on_doctype_update,
)


def execute():
	on_doctype_update()

# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class OwnersCommitteeMember(ScopedRow):
	pass

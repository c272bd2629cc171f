def get_context(context):
	"""The message needs nothing beyond the request itself."""

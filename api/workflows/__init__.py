"""The one way in for routes and CLI commands alike: load from ``models``, call ``matcher``, store.

One module per resource, mirroring ``api/routes/``. Every function takes a session and
keyword arguments; long ones take a plain ``progress(fraction, message)`` callable
(:data:`api.workflows.common.Progress`) so a background job, a progress bar or nothing at
all can follow them. Nothing here renders for a person: routes, CLI, e-mail and print do.
"""

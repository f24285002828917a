"""The screens for people (issue 16): server-rendered HTML over the same service layer as the API.
See README.md here for how a screen is added. Registered by ``screens.register`` (imported by views.py)."""

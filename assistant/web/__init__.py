"""The pages agents and admins use in a browser: the sidebar and the API docs."""

"""Drafting from templates: the reply library (templates.py), sandboxed rendering
(render.py), suggestion for an incoming message (suggest.py) and the thread recap
(recap.py). Uses `model` and the checking use case; nothing here imports `api` or `cli`."""

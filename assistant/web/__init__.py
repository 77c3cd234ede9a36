"""The pages people use in a browser: the sidebar and API docs pages (`pages.py`) and the
reviewers' QA pages (`qa.py`)."""

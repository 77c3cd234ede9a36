"""The pages people use in a browser: the reviewers' QA pages (`qa.py`)."""

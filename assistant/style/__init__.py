"""The house-style rule engine: Vale's rule types (rules.py), rule files and Vale packages
(loading.py), running rules over scoped blocks (engine.py), British and American spelling
(spelling.py)."""

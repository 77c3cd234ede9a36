"""QA review: scorecards built on the standards, automatic scoring of every reply from
its own findings, agreement between automatic and human scores, and bulk audits of a
helpdesk's history. Builds on the pipeline, the guide and the shared model; no HTTP."""

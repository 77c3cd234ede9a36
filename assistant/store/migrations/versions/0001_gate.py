"""Organisations, API keys and the record of every gated send.

Revision ID: 0001_gate
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_gate"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("default_guide", sa.String(100), nullable=True),
        sa.Column("host_origins", sa.JSON(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME, nullable=True),
    )
    op.create_table(
        "sends",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("agent_id", sa.String(200), nullable=True),
        sa.Column("agent_name", sa.String(200), nullable=True),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("ticket_id", sa.String(100), nullable=True),
        sa.Column("guide_id", sa.String(100), nullable=False),
        sa.Column("guide_version", sa.String(50), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("sla_state", sa.String(20), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_stored", sa.String(10), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("blockers", sa.JSON(), nullable=False),
        sa.Column("unavailable", sa.JSON(), nullable=False),
        sa.Column("sent_at", TIME, nullable=True),
        sa.Column("confirmed_at", TIME, nullable=True),
        sa.Column("message_id", sa.String(200), nullable=True),
        sa.UniqueConstraint("organisation_id", "idempotency_key", name="uq_send_idempotency"),
    )
    op.create_index("ix_sends_org_created", "sends", ["organisation_id", "created_at", "id"])
    op.create_table(
        "send_findings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("send_id", sa.String(64), sa.ForeignKey("sends.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("finding_id", sa.String(64), nullable=False),
        sa.Column("check_name", sa.String(50), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(12), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_send_findings_org_rule", "send_findings", ["organisation_id", "rule"])
    op.create_table(
        "overrides",
        sa.Column("send_id", sa.String(64), sa.ForeignKey("sends.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("finding_ids", sa.JSON(), nullable=False),
        sa.Column("by_key_id", sa.String(64), nullable=False),
        sa.Column("by_agent", sa.JSON(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "send_subjects",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("send_id", sa.String(64), sa.ForeignKey("sends.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("subject_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_send_subjects_org_hash", "send_subjects", ["organisation_id", "subject_hash"])
    op.create_table(
        "erasures",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("identifier_hash", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("by_key_id", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for table in ("erasures", "send_subjects", "overrides", "send_findings", "sends", "api_keys", "organisations"):
        op.drop_table(table)

"""Reviews of sends (automatic and by reviewers) and reviewers' browser sessions.

Revision ID: 0002_reviews
Revises: 0001_gate
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_reviews"
down_revision = "0001_gate"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("send_id", sa.String(64), sa.ForeignKey("sends.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("auto_digest", sa.String(64), nullable=True),
        sa.Column("reviewer_key_id", sa.String(64), nullable=True),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("scorecard_id", sa.String(64), nullable=False),
        sa.Column("scorecard_version", sa.String(50), nullable=False),
        sa.Column("scorecard_digest", sa.String(64), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("send_id", "auto_digest", name="uq_review_auto"),
    )
    op.create_index("ix_reviews_org_send", "reviews", ["organisation_id", "send_id"])
    op.create_table(
        "qa_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(64), nullable=False, index=True),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("qa_sessions")
    op.drop_index("ix_reviews_org_send", table_name="reviews")
    op.drop_table("reviews")

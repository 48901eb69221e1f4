"""Initial schema: users, cohorts, questions, submissions, stage scores, reviews, audit trail;
plus the LLM helper's `llm_cache` table when the CLI has not created it already.

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 06:36:01.394485
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('question',
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('framework', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('frameworks', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('angle', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('user',
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('target_role', sa.String(length=32), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_username'), ['username'], unique=True)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_created_at'), ['created_at'], unique=False)

    op.create_table('coach_assignment',
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('coach_id', 'learner_id', name='uq_coach_assignment')
    )
    with op.batch_alter_table('coach_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coach_assignment_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coach_assignment_learner_id'), ['learner_id'], unique=False)

    op.create_table('submission',
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('framework', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('grader', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('rubric_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('prompt_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('attempt_number', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_learner_created', ['learner_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_submission_learner_question', ['learner_id', 'question_id', 'created_at'], unique=False)

    op.create_table('review',
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_submission_id'), ['submission_id'], unique=False)

    op.create_table('stage_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stage_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('critique', sa.Text(), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('coach_score', sa.Integer(), nullable=True),
    sa.Column('coach_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'stage_id', name='uq_stage_score_stage')
    )
    with op.batch_alter_table('stage_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_score_submission_id'), ['submission_id'], unique=False)

    op.create_table('stage_override',
    sa.Column('stage_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('automatic_score', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_override_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_override_submission_id'), ['submission_id'], unique=False)


    # Owned by hedgehog.llm (its CLI may have created it before the service ever ran).
    if not sa.inspect(op.get_bind()).has_table("llm_cache"):
        op.create_table(
            "llm_cache",
            sa.Column("key", sa.String(length=64), primary_key=True),
            sa.Column("model", sa.String(), nullable=True),
            sa.Column("rubric_version", sa.String(), nullable=True),
            sa.Column("prompt_version", sa.String(), nullable=True),
            sa.Column("document_json", sa.Text(), nullable=True),
            sa.Column("usage_json", sa.Text(), nullable=True),
            sa.Column("created_at", sa.TIMESTAMP(), nullable=True),
        )


def downgrade() -> None:
    # llm_cache is left in place: it belongs to the LLM helper and may predate this schema.
    with op.batch_alter_table('stage_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_override_submission_id'))
        batch_op.drop_index(batch_op.f('ix_stage_override_review_id'))

    op.drop_table('stage_override')
    with op.batch_alter_table('stage_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_score_submission_id'))

    op.drop_table('stage_score')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_submission_id'))
        batch_op.drop_index(batch_op.f('ix_review_coach_id'))

    op.drop_table('review')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_learner_question')
        batch_op.drop_index('ix_submission_learner_created')

    op.drop_table('submission')
    with op.batch_alter_table('coach_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coach_assignment_learner_id'))
        batch_op.drop_index(batch_op.f('ix_coach_assignment_coach_id'))

    op.drop_table('coach_assignment')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_username'))

    op.drop_table('user')
    op.drop_table('question')

-- Negotiation: the state machine per job and vendor (the states are
-- procura_common::negotiation::NegotiationState), the brief each draft was
-- written from, and who wrote, edited or rejected a draft.

ALTER TABLE search_jobs ADD COLUMN negotiation_max_vendors integer NOT NULL DEFAULT 3
    CHECK (negotiation_max_vendors BETWEEN 1 AND 20);

ALTER TABLE negotiations
    ADD CONSTRAINT negotiations_status_check CHECK (status IN (
        'drafted', 'awaiting_approval', 'approved', 'rejected', 'sending', 'sent',
        'replied', 'countered', 'accepted', 'declined', 'ordered')),
    -- The procura_llm::DraftBrief the first draft was written from.
    ADD COLUMN brief jsonb NOT NULL DEFAULT '{}'::jsonb;

ALTER TABLE negotiation_messages
    ADD COLUMN recipient text,
    -- procura_common::negotiation::DraftedBy; NULL for inbound mail.
    ADD COLUMN drafted_by jsonb,
    ADD COLUMN rejected_reason text,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX negotiation_messages_drafts_idx ON negotiation_messages (created_at)
    WHERE status = 'draft';

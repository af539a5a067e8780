DROP INDEX negotiation_messages_due_idx;
ALTER TABLE negotiation_messages
    DROP COLUMN attempts,
    DROP COLUMN next_attempt_at,
    DROP COLUMN claimed_by,
    DROP COLUMN claim_expires_at,
    DROP COLUMN delivered_by,
    DROP COLUMN handed_over_at;
ALTER TABLE negotiation_messages DROP CONSTRAINT negotiation_messages_status_check;
ALTER TABLE negotiation_messages ADD CONSTRAINT negotiation_messages_status_check
    CHECK (status IN ('draft', 'approved', 'rejected', 'sending', 'sent', 'failed', 'received'));

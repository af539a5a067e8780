-- The transactional outbox: approved messages wait here until a sender
-- claims one (a lease, like jobs), delivers it and marks it sent. A claim
-- whose daemon died is found by its expired lease. 'unknown' is a message
-- an SMTP server may or may not have accepted when its daemon died: it is
-- never sent again by itself, a human resolves it.

ALTER TABLE negotiation_messages DROP CONSTRAINT negotiation_messages_status_check;
ALTER TABLE negotiation_messages ADD CONSTRAINT negotiation_messages_status_check
    CHECK (status IN ('draft', 'approved', 'rejected', 'sending', 'sent', 'failed', 'unknown', 'received'));

ALTER TABLE negotiation_messages
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN claimed_by text,
    ADD COLUMN claim_expires_at timestamptz,
    -- How it went out: 'smtp' or 'outbox' (a file in the outbox folder).
    ADD COLUMN delivered_by text,
    -- Set by the claim's holder just before it hands the message to the
    -- transport: a claim abandoned without it certainly did not go out.
    ADD COLUMN handed_over_at timestamptz;

CREATE INDEX negotiation_messages_due_idx ON negotiation_messages (approved_at)
    WHERE status IN ('approved', 'sending');

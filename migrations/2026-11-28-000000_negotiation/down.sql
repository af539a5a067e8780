DROP INDEX negotiation_messages_drafts_idx;
ALTER TABLE negotiation_messages
    DROP COLUMN recipient,
    DROP COLUMN drafted_by,
    DROP COLUMN rejected_reason,
    DROP COLUMN updated_at;
ALTER TABLE negotiations
    DROP CONSTRAINT negotiations_status_check,
    DROP COLUMN brief;
ALTER TABLE search_jobs DROP COLUMN negotiation_max_vendors;

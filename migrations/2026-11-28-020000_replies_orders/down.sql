DROP INDEX purchase_orders_negotiation_idx;
ALTER TABLE purchase_orders DROP COLUMN document, DROP COLUMN message_id;
DROP TABLE po_counters;
DROP TABLE mail_cursors;
ALTER TABLE negotiation_messages
    DROP COLUMN sender, DROP COLUMN offer, DROP COLUMN attachment_blob, DROP COLUMN attachment_name;

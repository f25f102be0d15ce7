-- the message a group reply quotes: its author's member id as sent in the reply (the
-- user's membership id for the user's own messages), its shared id, the time it was
-- sent, and the quoted item when it is stored here
ALTER TABLE group_items ADD COLUMN quote_member_id BLOB;
ALTER TABLE group_items ADD COLUMN quote_shared_msg_id BLOB;
ALTER TABLE group_items ADD COLUMN quote_sent_at INTEGER;
ALTER TABLE group_items ADD COLUMN quote_item_id INTEGER REFERENCES group_items ON DELETE SET NULL;

-- the whole message content (MsgContent JSON as in x.msg.new); NULL: plain text (older rows)
ALTER TABLE chat_items ADD COLUMN content TEXT;
ALTER TABLE group_items ADD COLUMN content TEXT;

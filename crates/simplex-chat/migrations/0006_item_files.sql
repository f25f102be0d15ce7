-- the file a message offers (sent with /f, received with a file invitation)
ALTER TABLE chat_items ADD COLUMN file_id INTEGER REFERENCES files ON DELETE SET NULL;
ALTER TABLE group_items ADD COLUMN file_id INTEGER REFERENCES files ON DELETE SET NULL;

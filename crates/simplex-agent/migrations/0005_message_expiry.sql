-- The cleanup task deletes sent messages older than the stored-data TTL, oldest first
-- (the reference's `deleteSndMsgsExpired`; its `idx_messages_internal_ts`).
CREATE INDEX idx_snd_messages_created_at ON snd_messages (created_at);

-- The cleanup task deletes hashes older than the stored-data TTL, oldest first (the
-- reference's `idx_*_created_at` of M20230722_indexes).
CREATE INDEX idx_processed_ratchet_key_hashes_created_at
  ON processed_ratchet_key_hashes (created_at);
CREATE INDEX idx_encrypted_rcv_message_hashes_created_at
  ON encrypted_rcv_message_hashes (created_at);

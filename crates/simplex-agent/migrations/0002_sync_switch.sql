-- Ratchet re-synchronisation states and queue rotation progress (the reference's
-- `ratchet_sync_state`, `switch_status`, `processed_ratchet_key_hashes` and
-- `encrypted_rcv_message_hashes`).

ALTER TABLE connections ADD COLUMN ratchet_sync_state TEXT NOT NULL DEFAULT 'ok';

ALTER TABLE rcv_queues ADD COLUMN switch_status TEXT;

ALTER TABLE snd_queues ADD COLUMN switch_status TEXT;

-- `sha256(k1 ‖ k2)` of the peer's ratchet keys already processed: a repeated key
-- message is ignored.
CREATE TABLE processed_ratchet_key_hashes (
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conn_id, hash)
) STRICT, WITHOUT ROWID;

-- `sha256` of the ratchet-encrypted body of every message received: the copy of a
-- message that came through both queues of a switch is recognised and dropped.
CREATE TABLE encrypted_rcv_message_hashes (
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conn_id, hash)
) STRICT, WITHOUT ROWID;

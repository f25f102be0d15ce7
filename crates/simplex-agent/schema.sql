-- The agent store's schema after all migrations, as SQLite keeps it.
-- Generated: `UPDATE_SCHEMA=1 cargo test -p simplex-agent --test open`. Do not edit.

CREATE TABLE commands (
  command_id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  conn_id TEXT REFERENCES connections ON DELETE CASCADE,
  server TEXT,
  kind TEXT NOT NULL,
  payload BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE confirmations (
  confirmation_id TEXT NOT NULL PRIMARY KEY,
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  peer_info BLOB NOT NULL,
  reply_queues BLOB NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
  own_info BLOB,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE connections (
  conn_id TEXT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  mode TEXT NOT NULL CHECK (mode IN ('invitation', 'contact')),
  status TEXT NOT NULL,
  agent_version INTEGER NOT NULL,
  pq_support INTEGER NOT NULL CHECK (pq_support IN (0, 1)),
  pq_encryption INTEGER NOT NULL CHECK (pq_encryption IN (0, 1)),
  -- message counters: internal ids are shared by sent and received messages
  last_internal_id INTEGER NOT NULL DEFAULT 0,
  last_snd_msg_id INTEGER NOT NULL DEFAULT 0,
  last_snd_hash BLOB NOT NULL DEFAULT x'',
  last_rcv_snd_msg_id INTEGER NOT NULL DEFAULT 0,
  last_rcv_hash BLOB NOT NULL DEFAULT x'',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
, ratchet_sync_state TEXT NOT NULL DEFAULT 'ok') STRICT;
CREATE TABLE encrypted_rcv_message_hashes (
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conn_id, hash)
) STRICT, WITHOUT ROWID;
CREATE TABLE inv_short_links (
  inv_short_link_id INTEGER PRIMARY KEY,
  -- the relay (its store key, as `rcv_queues.server`)
  server TEXT NOT NULL,
  -- the link id on the relay
  link_id BLOB NOT NULL,
  -- the link key (in the short link); another key for the same link id gets a new row
  link_key BLOB NOT NULL,
  -- the Ed25519 sender key (PKCS#8) that `LKEY` secured the queue with
  snd_private_key BLOB NOT NULL,
  -- the queue's sender id, once the relay answered `LKEY`
  snd_id BLOB,
  UNIQUE (server, link_id)
) STRICT;
CREATE TABLE invitations (
  invitation_id TEXT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  contact_conn_id TEXT REFERENCES connections ON DELETE SET NULL,
  invitation_link TEXT NOT NULL,
  peer_info BLOB NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
  own_info BLOB,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE migrations (
  name TEXT NOT NULL PRIMARY KEY,
  applied_at INTEGER NOT NULL
) STRICT;
CREATE TABLE processed_ratchet_key_hashes (
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conn_id, hash)
) STRICT, WITHOUT ROWID;
CREATE TABLE ratchets (
  conn_id TEXT NOT NULL PRIMARY KEY REFERENCES connections ON DELETE CASCADE,
  state BLOB,
  x3dh_key_1 BLOB,
  x3dh_key_2 BLOB,
  x3dh_pq_kem BLOB,
  updated_at INTEGER NOT NULL,
  CHECK ((x3dh_key_1 IS NULL) = (x3dh_key_2 IS NULL)),
  CHECK (x3dh_pq_kem IS NULL OR x3dh_key_1 IS NOT NULL),
  CHECK (state IS NOT NULL OR x3dh_key_1 IS NOT NULL)
) STRICT;
CREATE TABLE rcv_messages (
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  internal_id INTEGER NOT NULL,
  rcv_queue_id INTEGER REFERENCES rcv_queues ON DELETE SET NULL,
  snd_msg_id INTEGER NOT NULL,
  broker_msg_id BLOB NOT NULL,
  broker_ts INTEGER NOT NULL,
  msg_type TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL,
  integrity TEXT NOT NULL,
  body BLOB NOT NULL,
  pq_encryption INTEGER NOT NULL CHECK (pq_encryption IN (0, 1)),
  acked INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conn_id, internal_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE rcv_queue_short_links (
  rcv_queue_id INTEGER PRIMARY KEY REFERENCES rcv_queues ON DELETE CASCADE,
  -- the link id on the relay
  link_id BLOB NOT NULL,
  -- the link key (`sha3-256` of the fixed data; in the short link)
  link_key BLOB NOT NULL,
  -- the Ed25519 seed that signs the link data
  link_priv_sig_key BLOB NOT NULL,
  -- the encrypted fixed part as stored on the relay (sent again unchanged)
  link_enc_fixed_data BLOB NOT NULL
) STRICT;
CREATE TABLE rcv_queues (
  rcv_queue_id INTEGER PRIMARY KEY,
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  server TEXT NOT NULL,
  rcv_id BLOB NOT NULL,
  rcv_auth_key BLOB NOT NULL,
  rcv_dh_secret BLOB NOT NULL,
  e2e_private_key BLOB NOT NULL,
  e2e_dh_secret BLOB,
  snd_id BLOB NOT NULL,
  queue_mode TEXT CHECK (queue_mode IN ('messaging', 'contact')),
  status TEXT NOT NULL,
  is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
  replaced_queue_id INTEGER REFERENCES rcv_queues ON DELETE SET NULL,
  last_broker_msg_id BLOB,
  last_broker_ts INTEGER,
  created_at INTEGER NOT NULL, switch_status TEXT,
  UNIQUE (server, rcv_id)
) STRICT;
CREATE TABLE servers (
  server_id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  address TEXT NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, address)
) STRICT;
CREATE TABLE skipped_keys (
  conn_id TEXT NOT NULL REFERENCES ratchets ON DELETE CASCADE,
  header_key BLOB NOT NULL,
  msg_n INTEGER NOT NULL CHECK (msg_n >= 0),
  msg_key BLOB NOT NULL,
  PRIMARY KEY (conn_id, header_key, msg_n)
) STRICT, WITHOUT ROWID;
CREATE TABLE snd_deliveries (
  delivery_id INTEGER PRIMARY KEY,
  snd_queue_id INTEGER NOT NULL REFERENCES snd_queues ON DELETE CASCADE,
  conn_id TEXT NOT NULL,
  internal_id INTEGER NOT NULL,
  body BLOB NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  FOREIGN KEY (conn_id, internal_id) REFERENCES snd_messages ON DELETE CASCADE
) STRICT;
CREATE TABLE snd_messages (
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  internal_id INTEGER NOT NULL,
  snd_msg_id INTEGER NOT NULL,
  msg_type TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL,
  body BLOB NOT NULL,
  pq_encryption INTEGER NOT NULL CHECK (pq_encryption IN (0, 1)),
  created_at INTEGER NOT NULL, rcpt_ok INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conn_id, internal_id),
  UNIQUE (conn_id, snd_msg_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE snd_queues (
  snd_queue_id INTEGER PRIMARY KEY,
  conn_id TEXT NOT NULL REFERENCES connections ON DELETE CASCADE,
  server TEXT NOT NULL,
  snd_id BLOB NOT NULL,
  snd_auth_key BLOB NOT NULL,
  e2e_peer_key BLOB NOT NULL,
  e2e_dh_secret BLOB NOT NULL,
  queue_mode TEXT CHECK (queue_mode IN ('messaging', 'contact')),
  status TEXT NOT NULL,
  is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
  replaced_queue_id INTEGER REFERENCES snd_queues ON DELETE SET NULL,
  created_at INTEGER NOT NULL
, switch_status TEXT) STRICT;
CREATE TABLE users (
  user_id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_commands_conn_id ON commands (conn_id);
CREATE INDEX idx_commands_user_id ON commands (user_id);
CREATE INDEX idx_confirmations_conn_id ON confirmations (conn_id);
CREATE INDEX idx_connections_user_id ON connections (user_id);
CREATE INDEX idx_encrypted_rcv_message_hashes_created_at
  ON encrypted_rcv_message_hashes (created_at);
CREATE INDEX idx_inv_short_links_snd_id ON inv_short_links (server, snd_id);
CREATE INDEX idx_invitations_contact_conn_id ON invitations (contact_conn_id);
CREATE INDEX idx_invitations_user_id ON invitations (user_id);
CREATE INDEX idx_processed_ratchet_key_hashes_created_at
  ON processed_ratchet_key_hashes (created_at);
CREATE INDEX idx_rcv_messages_broker_msg_id ON rcv_messages (rcv_queue_id, broker_msg_id);
CREATE INDEX idx_rcv_queues_conn_id ON rcv_queues (conn_id);
CREATE INDEX idx_rcv_queues_replaced_queue_id ON rcv_queues (replaced_queue_id);
CREATE INDEX idx_snd_deliveries_message ON snd_deliveries (conn_id, internal_id);
CREATE INDEX idx_snd_deliveries_queue ON snd_deliveries (snd_queue_id, delivery_id);
CREATE INDEX idx_snd_messages_created_at ON snd_messages (created_at);
CREATE INDEX idx_snd_queues_conn_id ON snd_queues (conn_id);
CREATE INDEX idx_snd_queues_replaced_queue_id ON snd_queues (replaced_queue_id);

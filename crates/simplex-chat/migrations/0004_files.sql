ALTER TABLE users ADD COLUMN xftp_servers TEXT;

CREATE TABLE files (
  file_id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  sent INTEGER NOT NULL,
  contact_id INTEGER REFERENCES contacts ON DELETE SET NULL,
  group_id INTEGER REFERENCES groups ON DELETE SET NULL,
  peer TEXT NOT NULL,
  shared_msg_id BLOB NOT NULL,
  file_name TEXT NOT NULL,
  file_size INTEGER NOT NULL,
  xftp INTEGER NOT NULL,
  file_path TEXT,
  fs_path TEXT,
  status TEXT NOT NULL,
  descr_text TEXT NOT NULL DEFAULT '',
  descr_next_part INTEGER NOT NULL DEFAULT 1,
  descr_complete INTEGER NOT NULL DEFAULT 0,
  snd_descr TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX idx_files_shared_msg ON files (user_id, shared_msg_id);

CREATE TABLE file_recipients (
  file_id INTEGER NOT NULL REFERENCES files ON DELETE CASCADE,
  agent_conn_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (file_id, agent_conn_id)
) STRICT;

CREATE TABLE groups (
  group_id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  local_name TEXT NOT NULL,
  profile TEXT NOT NULL,
  membership_id BLOB NOT NULL,
  membership_role TEXT NOT NULL,
  status TEXT NOT NULL,
  inv_conn_req TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, local_name)
) STRICT;

CREATE TABLE group_members (
  member_row INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES groups ON DELETE CASCADE,
  member_id BLOB NOT NULL,
  profile TEXT NOT NULL,
  role TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  agent_conn_id TEXT UNIQUE,
  contact_id INTEGER REFERENCES contacts ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (group_id, member_id)
) STRICT;

CREATE TABLE group_intros (
  re_member INTEGER NOT NULL REFERENCES group_members ON DELETE CASCADE,
  to_member INTEGER NOT NULL REFERENCES group_members ON DELETE CASCADE,
  connected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (re_member, to_member)
) STRICT;

CREATE TABLE group_items (
  item_id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES groups ON DELETE CASCADE,
  member_row INTEGER REFERENCES group_members ON DELETE SET NULL,
  shared_msg_id BLOB,
  text TEXT NOT NULL,
  quote_text TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX idx_group_items_group ON group_items (group_id, item_id);
CREATE INDEX idx_group_items_shared ON group_items (group_id, member_row, shared_msg_id);

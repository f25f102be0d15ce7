CREATE TABLE chat_items (
  item_id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts ON DELETE CASCADE,
  sent INTEGER NOT NULL,
  shared_msg_id BLOB,
  agent_msg_id INTEGER,
  text TEXT NOT NULL,
  quote_text TEXT,
  quote_sent INTEGER,
  edited INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  timed_ttl INTEGER,
  delete_at INTEGER,
  created_at INTEGER NOT NULL
, updated_at INTEGER, content TEXT, file_id INTEGER REFERENCES files ON DELETE SET NULL) STRICT;

CREATE TABLE contact_requests (
  request_id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  local_name TEXT NOT NULL,
  profile TEXT NOT NULL,
  agent_inv_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, local_name)
) STRICT;

CREATE TABLE contacts (
  contact_id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  local_name TEXT NOT NULL,
  profile TEXT NOT NULL,
  agent_conn_id TEXT NOT NULL UNIQUE,
  ready INTEGER NOT NULL DEFAULT 0,
  incognito_profile TEXT,
  timed_allow INTEGER NOT NULL DEFAULT 0,
  timed_ttl INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, local_name)
) STRICT;

CREATE TABLE file_recipients (
  file_id INTEGER NOT NULL REFERENCES files ON DELETE CASCADE,
  agent_conn_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (file_id, agent_conn_id)
) STRICT;

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

CREATE TABLE group_intros (
  re_member INTEGER NOT NULL REFERENCES group_members ON DELETE CASCADE,
  to_member INTEGER NOT NULL REFERENCES group_members ON DELETE CASCADE,
  connected INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (re_member, to_member)
) STRICT;

CREATE TABLE group_item_deliveries (
  item_id INTEGER NOT NULL REFERENCES group_items ON DELETE CASCADE,
  member_row INTEGER NOT NULL REFERENCES group_members ON DELETE CASCADE,
  agent_msg_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (item_id, member_row)
) STRICT;

CREATE TABLE group_item_reactions (
  item_id INTEGER NOT NULL REFERENCES group_items ON DELETE CASCADE,
  -- the reacting member (0: the user)
  member_row INTEGER NOT NULL,
  emoji TEXT NOT NULL,
  PRIMARY KEY (item_id, member_row, emoji)
) STRICT;

CREATE TABLE group_items (
  item_id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES groups ON DELETE CASCADE,
  member_row INTEGER REFERENCES group_members ON DELETE SET NULL,
  shared_msg_id BLOB,
  text TEXT NOT NULL,
  quote_text TEXT,
  created_at INTEGER NOT NULL
, edited INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, moderator_row INTEGER REFERENCES group_members ON DELETE SET NULL, updated_at INTEGER, content TEXT, file_id INTEGER REFERENCES files ON DELETE SET NULL, quote_member_id BLOB, quote_shared_msg_id BLOB, quote_sent_at INTEGER, quote_item_id INTEGER REFERENCES group_items ON DELETE SET NULL) STRICT;

CREATE TABLE group_links (
  link_id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL UNIQUE REFERENCES groups ON DELETE CASCADE,
  agent_conn_id TEXT NOT NULL UNIQUE,
  link TEXT NOT NULL,
  short_link TEXT,
  -- the group link id (random), as GroupLink.groupLinkId
  link_ref BLOB NOT NULL,
  member_role TEXT NOT NULL,
  created_at INTEGER NOT NULL
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
  created_at INTEGER NOT NULL, via_group_link INTEGER NOT NULL DEFAULT 0,
  UNIQUE (group_id, member_id)
) STRICT;

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

CREATE TABLE item_reactions (
  item_id INTEGER NOT NULL REFERENCES chat_items ON DELETE CASCADE,
  sent INTEGER NOT NULL,
  emoji TEXT NOT NULL,
  PRIMARY KEY (item_id, sent, emoji)
) STRICT;

CREATE TABLE pending_conns (
  agent_conn_id TEXT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
  incognito_profile TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  user_id INTEGER PRIMARY KEY,
  display_name TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL DEFAULT '',
  agent_db TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0,
  incognito INTEGER NOT NULL DEFAULT 0,
  auto_accept INTEGER NOT NULL DEFAULT 0,
  auto_accept_incognito INTEGER NOT NULL DEFAULT 0,
  address_conn TEXT,
  address_link TEXT,
  address_short_link TEXT,
  created_at INTEGER NOT NULL
, xftp_servers TEXT) STRICT;

CREATE INDEX idx_chat_items_contact ON chat_items (contact_id, item_id);

CREATE INDEX idx_chat_items_delete_at ON chat_items (delete_at);

CREATE INDEX idx_files_shared_msg ON files (user_id, shared_msg_id);

CREATE INDEX idx_group_item_deliveries_msg ON group_item_deliveries (member_row, agent_msg_id);

CREATE INDEX idx_group_items_group ON group_items (group_id, item_id);

CREATE INDEX idx_group_items_shared ON group_items (group_id, member_row, shared_msg_id);

CREATE UNIQUE INDEX idx_group_members_user ON group_members (group_id) WHERE category = 'user';

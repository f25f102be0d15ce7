-- a group's link (the reference's group user_contact_links): a contact address whose
-- requests join the group with member_role
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

-- 1: the member joined through the group link (the host sends x.grp.link.mem)
ALTER TABLE group_members ADD COLUMN via_group_link INTEGER NOT NULL DEFAULT 0;

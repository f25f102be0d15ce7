ALTER TABLE group_items ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
-- 0: not deleted, 1: marked deleted by its author, 2: marked deleted by a moderator
ALTER TABLE group_items ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
-- the moderator's member row (NULL with deleted = 2: the user)
ALTER TABLE group_items ADD COLUMN moderator_row INTEGER REFERENCES group_members ON DELETE SET NULL;
ALTER TABLE group_items ADD COLUMN updated_at INTEGER;
ALTER TABLE chat_items ADD COLUMN updated_at INTEGER;

CREATE TABLE group_item_reactions (
  item_id INTEGER NOT NULL REFERENCES group_items ON DELETE CASCADE,
  -- the reacting member (0: the user)
  member_row INTEGER NOT NULL,
  emoji TEXT NOT NULL,
  PRIMARY KEY (item_id, member_row, emoji)
) STRICT;

-- the delivery of a sent group message to each member (delivery receipts)
CREATE TABLE group_item_deliveries (
  item_id INTEGER NOT NULL REFERENCES group_items ON DELETE CASCADE,
  member_row INTEGER NOT NULL REFERENCES group_members ON DELETE CASCADE,
  agent_msg_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (item_id, member_row)
) STRICT;

CREATE INDEX idx_group_item_deliveries_msg ON group_item_deliveries (member_row, agent_msg_id);

-- the user's own row in each group's members (category 'user', as the reference's
-- membership): its row id is the user's groupMemberId; member id, role and state mirror
-- the groups row (membership_id, membership_role, status), which stays authoritative.
-- Every query of "the members" leaves it out.

-- A member row (made by an introduction before this version checked ids) holding the
-- user's own member id would break UNIQUE (group_id, member_id) below: it gets a new
-- random id (nobody else knows it, so nothing addressed to it is lost).
UPDATE group_members SET member_id = randomblob(12)
  WHERE category != 'user'
    AND member_id = (SELECT g.membership_id FROM groups g WHERE g.group_id = group_members.group_id);

INSERT INTO group_members (group_id, member_id, profile, role, category, status, created_at)
  SELECT g.group_id, g.membership_id,
    json_object('displayName', u.display_name, 'fullName', u.full_name),
    g.membership_role, 'user', g.status, g.created_at
  FROM groups g JOIN users u ON u.user_id = g.user_id
  WHERE NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.group_id AND m.category = 'user')
  ORDER BY g.group_id;

CREATE UNIQUE INDEX idx_group_members_user ON group_members (group_id) WHERE category = 'user';

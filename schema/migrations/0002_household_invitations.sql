-- 0002 household invitations: a person with their own sign-in joins a
-- household only by accepting (a primary who could add anyone could then
-- book and cancel for them). joined_at NULL: invited, not yet a member;
-- canAct and every household permission ignore such a row.
--
-- Members added before this migration had no invitation step: they joined
-- when they were added.
ALTER TABLE household_members ADD COLUMN joined_at INTEGER;
UPDATE household_members SET joined_at = created_at;
-- Who added the member (the primary at the time), for the invitee to see.
ALTER TABLE household_members ADD COLUMN invited_by TEXT REFERENCES users (id) ON DELETE RESTRICT;

-- The organizations a member list or WhoAmI walks: memberships by organization,
-- in the order they were made (the cursor of Users/ListMembers).
CREATE INDEX org_memberships_organization ON org_memberships (organization_id, id);

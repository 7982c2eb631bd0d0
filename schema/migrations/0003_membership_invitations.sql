-- 0003 membership invitations: adding a user to an organization invites
-- them; the membership grants nothing (and the organization sees only the
-- invitee's id and email) until they accept. Without this, anyone could
-- create an organization, add any user by email, and read their name and
-- phone from the member list.
--
-- accepted_at NULL: invited. Memberships made before this migration were
-- accepted when they were made.
ALTER TABLE org_memberships ADD COLUMN accepted_at INTEGER;
UPDATE org_memberships SET accepted_at = created_at;
-- Who invited the member (NULL: a service token, bootstrap, or the
-- organization's creator).
ALTER TABLE org_memberships ADD COLUMN invited_by TEXT REFERENCES users (id) ON DELETE RESTRICT;

-- 0001 identity: organizations, users, sessions, service tokens,
-- organization memberships, households and their members.
--
-- Conventions (docs/DESIGN.md, "Storage"), for this file and the ones after it:
--   tables      STRICT: a column holds its declared type or the write fails
--   ids         TEXT, a lowercase UUID (v7, time-ordered), 36 characters
--   instants    INTEGER microseconds since 1970-01-01T00:00:00Z; the column name ends in _at
--   dates       TEXT 'YYYY-MM-DD', a calendar date without a zone
--   money       INTEGER minor units, beside (or inside) something that says the ISO 4217 currency
--   JSON        TEXT holding a JSON object (or array where said), checked by json_type
--   deletion    soft: deleted_at (or a status); foreign keys are ON DELETE RESTRICT
--   tenancy     every org-scoped table has organization_id NOT NULL and an index leading with it
-- Timestamps come from the server's injected clock, never from SQL (no DEFAULT now).

-- An organization: the tenant. Its slug is its name in URLs, unique forever.
CREATE TABLE organizations (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    slug TEXT NOT NULL UNIQUE
        CHECK (length(slug) BETWEEN 1 AND 63 AND slug NOT GLOB '*[^a-z0-9-]*' AND slug NOT GLOB '-*'),
    name TEXT NOT NULL CHECK (length(name) > 0),
    type TEXT NOT NULL CHECK (type IN ('individual', 'small_business', 'enterprise')),
    -- The defaults a location inherits: an IANA zone, an ISO 4217 currency.
    time_zone TEXT NOT NULL CHECK (length(time_zone) > 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    -- The default cancellation policy; amounts in it are integer minor units of `currency`.
    cancellation_policy TEXT NOT NULL DEFAULT '{}' CHECK (json_type(cancellation_policy) = 'object'),
    -- Feature flags: {"waitlist": true, "recurring_bookings": false, ...}.
    features TEXT NOT NULL DEFAULT '{}' CHECK (json_type(features) = 'object'),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;

-- A person. Users are not org-scoped: one person books at, and works for,
-- any number of organizations. The email is optional (a child managed by a
-- household has none) and unique, ignoring ASCII case, among users not deleted.
CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    email TEXT COLLATE NOCASE CHECK (email IS NULL OR email LIKE '_%@_%'),
    email_verified_at INTEGER,
    name TEXT NOT NULL,
    phone TEXT,
    image_url TEXT,
    -- A self-describing password hash (e.g. PHC format); NULL: cannot sign in with a password.
    password_hash TEXT,
    -- {"time_zone": "Europe/Paris", "locale": "fr-FR", "notifications": {"email": true, "sms": false}}
    preferences TEXT NOT NULL DEFAULT '{}' CHECK (json_type(preferences) = 'object'),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;
-- Sign-in looks a user up by email: WHERE email = ? AND deleted_at IS NULL.
CREATE UNIQUE INDEX users_email ON users (email) WHERE deleted_at IS NULL;

-- A signed-in session. The token itself is never stored: token_hash is its SHA-256.
CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
-- A user's sessions (to list or revoke them all).
CREATE INDEX sessions_user ON sessions (user_id);

-- A credential for another program acting for one organization, with one role.
CREATE TABLE service_tokens (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    name TEXT NOT NULL CHECK (length(name) > 0),
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'staff', 'provider')),
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_by TEXT REFERENCES users (id) ON DELETE RESTRICT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE INDEX service_tokens_organization ON service_tokens (organization_id, created_at);
CREATE INDEX service_tokens_created_by ON service_tokens (created_by);

-- A user's role in an organization. location_ids: a JSON array of location
-- ids the role is limited to, NULL for every location. Leaving is status
-- 'inactive' (the row stays: a returning member gets it back).
CREATE TABLE org_memberships (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'staff', 'provider')),
    location_ids TEXT CHECK (location_ids IS NULL OR json_type(location_ids) = 'array'),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (organization_id, user_id)
) STRICT;
-- The organizations of a user (authorization: which orgs may this caller act in).
CREATE INDEX org_memberships_user ON org_memberships (user_id);

-- A family, a company or a group of people. Households are user-level, like
-- users, not org-scoped: the Smiths book at the spa and at the clinic as one
-- household. (A company household is also how a company acts as a provider.)
CREATE TABLE households (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    name TEXT NOT NULL CHECK (length(name) > 0),
    type TEXT NOT NULL DEFAULT 'family' CHECK (type IN ('family', 'company', 'group')),
    primary_contact_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    -- {"tax_id": ..., "industry": ..., "website": ...} for a company.
    company_info TEXT CHECK (company_info IS NULL OR json_type(company_info) = 'object'),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;
CREATE INDEX households_primary_contact ON households (primary_contact_id);

-- A user in a household, with what they may do for the others. Leaving is
-- removed_at (a user who rejoins gets the row back).
CREATE TABLE household_members (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    household_id TEXT NOT NULL REFERENCES households (id) ON DELETE RESTRICT,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    role TEXT NOT NULL CHECK (role IN ('primary', 'adult', 'minor', 'dependent')),
    can_book_for_others INTEGER NOT NULL DEFAULT 0 CHECK (can_book_for_others IN (0, 1)),
    can_view_others_bookings INTEGER NOT NULL DEFAULT 0 CHECK (can_view_others_bookings IN (0, 1)),
    can_modify_others_bookings INTEGER NOT NULL DEFAULT 0 CHECK (can_modify_others_bookings IN (0, 1)),
    approval_required_for TEXT NOT NULL DEFAULT 'none'
        CHECK (approval_required_for IN ('all', 'expensive_only', 'none')),
    relationship TEXT CHECK (relationship IS NULL
        OR relationship IN ('spouse', 'child', 'parent', 'sibling', 'guardian', 'dependent', 'employee')),
    date_of_birth TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth, '+0 days') IS date_of_birth),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    removed_at INTEGER,
    UNIQUE (household_id, user_id)
) STRICT;
-- The households of a user (members by household use the UNIQUE index above).
CREATE INDEX household_members_user ON household_members (user_id);

-- Who manages a member (a minor's parents): both are members of the same
-- household, which the two composite foreign keys enforce.
CREATE TABLE household_member_managers (
    household_id TEXT NOT NULL,
    member_user_id TEXT NOT NULL,
    manager_user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (household_id, member_user_id, manager_user_id),
    FOREIGN KEY (household_id, member_user_id)
        REFERENCES household_members (household_id, user_id) ON DELETE RESTRICT,
    FOREIGN KEY (household_id, manager_user_id)
        REFERENCES household_members (household_id, user_id) ON DELETE RESTRICT,
    CHECK (member_user_id <> manager_user_id)
) STRICT, WITHOUT ROWID;
-- The members a user manages, in every household (whom may I book for?).
-- Lookups within one household use the primary key: a household is small.
CREATE INDEX household_member_managers_manager ON household_member_managers (manager_user_id);

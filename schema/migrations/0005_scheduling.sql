-- 0005 scheduling: what fills a bookable's calendar (the Scheduling
-- context's tables). The calendar row itself (id, bookable, zone) is made
-- with the bookable (0004); these hold its settings, its date overrides, its
-- blocked time, and the time bookings and holds reserve on it.

-- A calendar's settings: its bizing.scheduling.v1.Calendar message in
-- protobuf binary (schema/scheduling.proto), without the output-only
-- fields. No row: the defaults (the location's hours, nothing else set).
CREATE TABLE calendar_settings (
    calendar_id TEXT NOT NULL PRIMARY KEY REFERENCES calendars (id) ON DELETE RESTRICT,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    spec BLOB NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX calendar_settings_organization ON calendar_settings (organization_id, calendar_id);

-- One date that does not follow the weekly pattern: its
-- bizing.scheduling.v1.DateOverride message. One per calendar and date.
CREATE TABLE calendar_overrides (
    calendar_id TEXT NOT NULL REFERENCES calendars (id) ON DELETE RESTRICT,
    date TEXT NOT NULL CHECK (length(date) = 10),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    spec BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (calendar_id, date)
) STRICT, WITHOUT ROWID;
CREATE INDEX calendar_overrides_organization ON calendar_overrides (organization_id, calendar_id);

-- Time a bookable offers nothing: time off, maintenance, unavailable.
-- Removing one deletes the row.
CREATE TABLE blocked_times (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    bookable_id TEXT NOT NULL REFERENCES bookables (id) ON DELETE RESTRICT,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
    -- time_off | maintenance | unavailable
    type TEXT NOT NULL CHECK (type IN ('time_off', 'maintenance', 'unavailable')),
    reason TEXT NOT NULL DEFAULT '',
    allow_override INTEGER NOT NULL CHECK (allow_override IN (0, 1)),
    -- The user who added it; NULL for a service token.
    created_by TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX blocked_times_organization ON blocked_times (organization_id, id);
-- Searches ask "what of these bookables ends after the span starts".
CREATE INDEX blocked_times_bookable ON blocked_times (bookable_id, ends_at);

-- Time a booking or a hold reserves on one of the bookables it assigns (one
-- row per bookable). The Booking context writes these through Scheduling's
-- ledger in its own transaction; searches and interval checks read them.
-- A hold past expires_at reserves nothing, whether or not a cleanup has
-- removed it yet.
CREATE TABLE reserved_times (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    bookable_id TEXT NOT NULL REFERENCES bookables (id) ON DELETE RESTRICT,
    -- booking | hold
    kind TEXT NOT NULL CHECK (kind IN ('booking', 'hold')),
    -- The booking's or hold's id.
    reference_id TEXT NOT NULL CHECK (length(reference_id) = 36),
    service_template_id TEXT REFERENCES service_templates (id) ON DELETE RESTRICT,
    -- The service itself...
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
    -- ...and with its service's buffers, the span nothing else may use.
    busy_from INTEGER NOT NULL CHECK (busy_from <= starts_at),
    busy_until INTEGER NOT NULL CHECK (busy_until >= ends_at),
    -- Seats it takes in a group class (1 otherwise).
    participants INTEGER NOT NULL DEFAULT 1 CHECK (participants >= 1),
    -- Holds only.
    expires_at INTEGER CHECK ((kind = 'hold') = (expires_at IS NOT NULL)),
    created_at INTEGER NOT NULL,
    UNIQUE (reference_id, bookable_id)
) STRICT;
CREATE INDEX reserved_times_organization ON reserved_times (organization_id, id);
CREATE INDEX reserved_times_bookable ON reserved_times (bookable_id, busy_until);

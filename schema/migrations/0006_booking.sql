-- 0006 booking: holds, bookings, their participants and assigned bookables,
-- and the idempotency keys of mutating calls (the Booking context's
-- tables). The time a hold or booking takes is in Scheduling's
-- reserved_times, written through its ledger in the same transaction.

-- A slot kept for a client while they finish booking. Expiry is computed:
-- an active hold past expires_at is expired and reserves nothing.
CREATE TABLE holds (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    service_template_id TEXT NOT NULL REFERENCES service_templates (id) ON DELETE RESTRICT,
    -- active | converted | released
    status TEXT NOT NULL CHECK (status IN ('active', 'converted', 'released')),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
    time_zone TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    nights INTEGER NOT NULL DEFAULT 0,
    seats INTEGER NOT NULL CHECK (seats >= 1),
    -- The holder: a user, or a service token.
    holder_user_id TEXT,
    holder_token_id TEXT,
    expires_at INTEGER NOT NULL,
    extendable_until INTEGER NOT NULL,
    extension_count INTEGER NOT NULL DEFAULT 0,
    -- release_slot
    on_expiry TEXT NOT NULL CHECK (on_expiry IN ('release_slot')),
    converted_booking_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX holds_organization ON holds (organization_id, id);
-- The expiry job asks "which active holds have expired".
CREATE INDEX holds_expiry ON holds (status, expires_at);

CREATE TABLE bookings (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    service_template_id TEXT NOT NULL REFERENCES service_templates (id) ON DELETE RESTRICT,
    status TEXT NOT NULL CHECK (status IN ('reserved', 'pending', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show')),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
    time_zone TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    nights INTEGER NOT NULL DEFAULT 0,
    -- NULL: booked by a service token.
    booked_by_user_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
    household_id TEXT REFERENCES households (id) ON DELETE RESTRICT,
    participant_count INTEGER NOT NULL CHECK (participant_count >= 1),
    max_participants INTEGER NOT NULL CHECK (max_participants >= participant_count),
    -- The price snapshot, written once: integer minor units of currency.
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    base_price_minor INTEGER NOT NULL,
    duration_price_minor INTEGER NOT NULL,
    -- Seats paid for, and the slot's multiplier (basis points): the total
    -- is (base + duration) x multiplier / 10000, half up, x seats.
    price_seats INTEGER NOT NULL DEFAULT 1 CHECK (price_seats >= 1),
    price_multiplier_bp INTEGER NOT NULL DEFAULT 10000 CHECK (price_multiplier_bp > 0),
    -- web | app | walk_in | phone | api
    source TEXT NOT NULL CHECK (source IN ('web', 'app', 'walk_in', 'phone', 'api')),
    hold_id TEXT REFERENCES holds (id) ON DELETE RESTRICT,
    notes TEXT NOT NULL DEFAULT '',
    approver_user_id TEXT,
    confirmed_at INTEGER,
    checked_in_at INTEGER,
    checked_in_by TEXT,
    completed_at INTEGER,
    cancelled_at INTEGER,
    cancelled_by TEXT CHECK (cancelled_by IN ('client', 'provider', 'system')),
    cancellation_reason TEXT NOT NULL DEFAULT '',
    no_show_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX bookings_organization ON bookings (organization_id, starts_at, id);
CREATE INDEX bookings_location ON bookings (location_id, starts_at, id);
CREATE INDEX bookings_booked_by ON bookings (booked_by_user_id, starts_at);
CREATE INDEX bookings_household ON bookings (household_id, starts_at);

-- Who receives the service: a user, or a guest by name and email.
CREATE TABLE booking_participants (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE RESTRICT,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE RESTRICT,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    -- primary | participant | guest | observer
    role TEXT NOT NULL CHECK (role IN ('primary', 'participant', 'guest', 'observer')),
    -- confirmed | checked_in | no_show
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'checked_in', 'no_show')),
    checked_in_at INTEGER,
    checked_in_by TEXT
) STRICT;
CREATE INDEX booking_participants_organization ON booking_participants (organization_id, booking_id);
CREATE INDEX booking_participants_booking ON booking_participants (booking_id, position);
CREATE INDEX booking_participants_user ON booking_participants (user_id, booking_id);

-- The bookables a hold or booking holds, one per bookable, per requirement
-- of its template.
CREATE TABLE assigned_bookables (
    -- The booking's or hold's id.
    reference_id TEXT NOT NULL,
    bookable_id TEXT NOT NULL REFERENCES bookables (id) ON DELETE RESTRICT,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    requirement_index INTEGER NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    -- A company provider: the technician sent.
    technician_user_id TEXT,
    PRIMARY KEY (reference_id, bookable_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX assigned_bookables_organization ON assigned_bookables (organization_id, reference_id);
CREATE INDEX assigned_bookables_bookable ON assigned_bookables (bookable_id, reference_id);

-- An idempotency-key's first answer, per caller (a user's or a token's
-- id): a retry answers it; another request under the key is refused.
-- Kept 24 hours.
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    response BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (caller, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

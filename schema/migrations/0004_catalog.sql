-- 0004 catalog: locations, bookables and their calendars, service templates,
-- products, packages, programs (the Catalog context's tables).
--
-- Each catalog table keeps the object whole in `spec`: its bizing.catalog.v1
-- message (schema/catalog.proto) in protobuf binary, as the API sends it
-- (`protoc --decode=bizing.catalog.v1.Bookable catalog.proto` reads one).
-- Beside it, the columns SQL filters, joins and constrains on, written
-- from the same message in the same statement: tenancy, location, kind,
-- slug, status, labels. Soft deletion keeps the row (deleted_at, deletion_reason);
-- slugs are unique among live rows only, so a deleted object's slug can be reused.

CREATE TABLE locations (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 63),
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- physical | virtual | mobile
    kind TEXT NOT NULL,
    -- active | inactive
    status TEXT NOT NULL,
    -- The IANA zone every schedule at the location is wall-clock time in.
    time_zone TEXT NOT NULL CHECK (length(time_zone) > 0),
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deletion_reason TEXT,
    CHECK ((deleted_at IS NULL) = (deletion_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX locations_slug ON locations (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX locations_organization ON locations (organization_id, id);

-- Providers, assets, venues and company providers: one table, the kind's
-- own details in `spec`.
CREATE TABLE bookables (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    -- provider | asset | venue | company_provider
    kind TEXT NOT NULL CHECK (kind IN ('provider', 'asset', 'venue', 'company_provider')),
    slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 63),
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- active | inactive | maintenance | retired
    status TEXT NOT NULL,
    category TEXT,
    -- A JSON array of labels, for filters: ["deep-tissue", "prenatal"].
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_type(tags) = 'array'),
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deletion_reason TEXT,
    CHECK ((deleted_at IS NULL) = (deletion_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX bookables_slug ON bookables (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX bookables_organization ON bookables (organization_id, id);
CREATE INDEX bookables_location ON bookables (location_id, kind) WHERE deleted_at IS NULL;

-- Every bookable has its own calendar, made with it; the Scheduling context
-- fills it in (weekly pattern, overrides, blocked time).
CREATE TABLE calendars (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    bookable_id TEXT NOT NULL UNIQUE REFERENCES bookables (id) ON DELETE RESTRICT,
    -- The bookable's location's zone, kept in step when it moves.
    time_zone TEXT NOT NULL CHECK (length(time_zone) > 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX calendars_organization ON calendars (organization_id, id);

CREATE TABLE service_templates (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    -- NULL: offered at every location.
    location_id TEXT REFERENCES locations (id) ON DELETE RESTRICT,
    -- appointment | class | rental | multi_day
    kind TEXT NOT NULL,
    slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 63),
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- draft | active | paused | archived
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'archived')),
    category TEXT,
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_type(tags) = 'array'),
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deletion_reason TEXT,
    CHECK ((deleted_at IS NULL) = (deletion_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX service_templates_slug ON service_templates (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX service_templates_organization ON service_templates (organization_id, id);
CREATE INDEX service_templates_location ON service_templates (location_id) WHERE deleted_at IS NULL;

CREATE TABLE products (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    location_id TEXT REFERENCES locations (id) ON DELETE RESTRICT,
    -- physical | digital
    kind TEXT NOT NULL,
    -- The SKU: unique among the organization's live products.
    slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 64),
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- active | inactive
    status TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_type(tags) = 'array'),
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deletion_reason TEXT,
    CHECK ((deleted_at IS NULL) = (deletion_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX products_sku ON products (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX products_organization ON products (organization_id, id);
CREATE INDEX products_location ON products (location_id) WHERE deleted_at IS NULL;

CREATE TABLE service_packages (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 63),
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- active | inactive
    status TEXT NOT NULL,
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deletion_reason TEXT,
    CHECK ((deleted_at IS NULL) = (deletion_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX service_packages_slug ON service_packages (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX service_packages_organization ON service_packages (organization_id, id);

CREATE TABLE program_templates (
    id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 63),
    name TEXT NOT NULL CHECK (length(name) > 0),
    -- draft | active | archived
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    spec BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deletion_reason TEXT,
    CHECK ((deleted_at IS NULL) = (deletion_reason IS NULL))
) STRICT;
CREATE UNIQUE INDEX program_templates_slug ON program_templates (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX program_templates_organization ON program_templates (organization_id, id);

-- 0007 reference epochs: a number per organization that changes, in the
-- same transaction, whenever anything the hot paths read and decode about it
-- changes (the organization, memberships, locations, bookables, calendars,
-- templates, calendar settings and overrides, blocked time). Servers keep
-- decoded copies of those rows keyed by the epoch they were read at
-- (BizingStore.ReferenceCache), so a booking no longer decodes its template,
-- location, bookables and calendars on SQLite's one writer every time.
-- Triggers, not application code, change it: no write path can forget.
-- The new value is random, never the old one plus one: a change rolled back
-- (a savepoint, a failed batch) leaves an epoch that no later change reuses,
-- so nothing cached under it can be mistaken for the data of another change.
-- reserved_times is not here: bookings change it constantly and are read fresh.
CREATE TABLE reference_epochs (
    organization_id TEXT NOT NULL PRIMARY KEY,
    epoch INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER organizations_insert_epoch AFTER INSERT ON organizations BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER organizations_update_epoch AFTER UPDATE ON organizations BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER organizations_delete_epoch AFTER DELETE ON organizations BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER org_memberships_insert_epoch AFTER INSERT ON org_memberships BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER org_memberships_update_epoch AFTER UPDATE ON org_memberships BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER org_memberships_delete_epoch AFTER DELETE ON org_memberships BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER locations_insert_epoch AFTER INSERT ON locations BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER locations_update_epoch AFTER UPDATE ON locations BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER locations_delete_epoch AFTER DELETE ON locations BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER bookables_insert_epoch AFTER INSERT ON bookables BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER bookables_update_epoch AFTER UPDATE ON bookables BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER bookables_delete_epoch AFTER DELETE ON bookables BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendars_insert_epoch AFTER INSERT ON calendars BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendars_update_epoch AFTER UPDATE ON calendars BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendars_delete_epoch AFTER DELETE ON calendars BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER service_templates_insert_epoch AFTER INSERT ON service_templates BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER service_templates_update_epoch AFTER UPDATE ON service_templates BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER service_templates_delete_epoch AFTER DELETE ON service_templates BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendar_settings_insert_epoch AFTER INSERT ON calendar_settings BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendar_settings_update_epoch AFTER UPDATE ON calendar_settings BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendar_settings_delete_epoch AFTER DELETE ON calendar_settings BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendar_overrides_insert_epoch AFTER INSERT ON calendar_overrides BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendar_overrides_update_epoch AFTER UPDATE ON calendar_overrides BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER calendar_overrides_delete_epoch AFTER DELETE ON calendar_overrides BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER blocked_times_insert_epoch AFTER INSERT ON blocked_times BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER blocked_times_update_epoch AFTER UPDATE ON blocked_times BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (NEW.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;
CREATE TRIGGER blocked_times_delete_epoch AFTER DELETE ON blocked_times BEGIN
    INSERT INTO reference_epochs (organization_id, epoch) VALUES (OLD.organization_id, random())
    ON CONFLICT (organization_id) DO UPDATE SET epoch = excluded.epoch;
END;

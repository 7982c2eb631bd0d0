-- 0008 reservation versions: how many times each bookable's reserved time
-- has changed, counted by triggers in the same transaction as the change.
-- A booking's slot is worked out on a reader connection before the write
-- transaction; inside it, the writer takes that offer only if the
-- organization's reference epoch (0007) and the versions of the bookables
-- it assigns are the ones the reader saw: then nothing the offer was
-- computed from has changed, and the search stays off SQLite's one writer.
-- A rolled-back change rolls its count back too, so equal versions always
-- mean the same committed reservations.
CREATE TABLE reservation_versions (
    bookable_id TEXT NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER reserved_times_insert_version AFTER INSERT ON reserved_times BEGIN
    INSERT INTO reservation_versions (bookable_id, version) VALUES (NEW.bookable_id, 1)
    ON CONFLICT (bookable_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER reserved_times_update_version AFTER UPDATE ON reserved_times BEGIN
    INSERT INTO reservation_versions (bookable_id, version) VALUES (OLD.bookable_id, 1)
    ON CONFLICT (bookable_id) DO UPDATE SET version = version + 1;
    INSERT INTO reservation_versions (bookable_id, version) SELECT NEW.bookable_id, 1 WHERE NEW.bookable_id <> OLD.bookable_id
    ON CONFLICT (bookable_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER reserved_times_delete_version AFTER DELETE ON reserved_times BEGIN
    INSERT INTO reservation_versions (bookable_id, version) VALUES (OLD.bookable_id, 1)
    ON CONFLICT (bookable_id) DO UPDATE SET version = version + 1;
END;

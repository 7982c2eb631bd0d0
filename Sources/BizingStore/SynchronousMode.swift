/// How hard a commit waits for the disk (SQLite's `PRAGMA synchronous`, in WAL mode).
public enum SynchronousMode: String, Sendable, CaseIterable {
    /// The default. A commit returns once the WAL is synced to disk: an
    /// acknowledged write survives a power cut or an OS crash.
    case full
    /// The WAL is synced at checkpoints only: commits are faster, and the
    /// database stays consistent, but the last transactions acknowledged
    /// before a power cut or OS crash may be lost. (A crash of bizingd alone
    /// loses nothing.)
    case normal

    /// The pragma's value.
    var pragma: String { rawValue.uppercased() }
}

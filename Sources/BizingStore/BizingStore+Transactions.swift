public import GRDB

extension BizingStore {
    /// Runs `body` in one write transaction and commits it, or rolls it back
    /// if `body` throws: the transaction of one mutating call.
    ///
    /// The transaction begins IMMEDIATE: it takes SQLite's write lock at
    /// BEGIN, before its first read, so a read-modify-write cannot be
    /// overtaken by another writer between its read and its write (another
    /// connection, or another process, waits up to the busy timeout instead),
    /// and it never fails with the SQLITE_BUSY that no busy timeout can
    /// absorb (upgrading a read transaction to a write after another
    /// connection wrote). Writes through one store are serialized anyway (one
    /// writer connection); IMMEDIATE is what makes them safe against other
    /// connections to the same file.
    ///
    /// Writes that arrive while another commits share the next transaction,
    /// each in a savepoint of its own, and its one sync (group commit): the
    /// caller still gets all or nothing, answered once it is durable.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(body)
    }

    /// Runs `body` on a reader connection, in a read transaction (a
    /// snapshot: it does not see writes committed while it runs). Readers
    /// never wait for the writer.
    ///
    /// It runs on the calling thread, an event loop for an RPC handler: a
    /// WAL reader takes no lock and waits for no writer, so an indexed read
    /// costs tens of microseconds, less than hopping to another thread and
    /// back (measured: the hop doubled a WhoAmI call's latency). Reads that
    /// scan much belong on a thread of their own.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try readHere(body)
    }

    /// `read` for a body that runs one statement: no BEGIN and COMMIT around
    /// it (SQLite gives the statement its own snapshot), which is a third of
    /// the cost of a one-row look-up such as a token's. A body of several
    /// statements must use `read`, or they may see different snapshots.
    public func lookup<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try lookupHere(body)
    }

    // Synchronous, so the GRDB call is its blocking form, run on this thread.
    private func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    private func lookupHere<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(body)
    }
}

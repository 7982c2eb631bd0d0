import ArgumentParser
import BizingRPC
import BizingServer
import BizingStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The Bizing server. With no arguments it serves the embedded default: the
/// socket `~/.bizing/bizing.sock` and the database `~/.bizing/bizing.sqlite`
/// (the data folder is `$BIZING_HOME` when set; `$BIZING_SOCKET` names the
/// socket), seeded with demo data when empty. It stops gracefully on SIGTERM
/// and SIGINT. `bizingd bootstrap` makes the first organization of a new
/// database.
@main
struct Bizingd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bizingd",
        abstract: "The Bizing server.",
        discussion: """
            With no subcommand, bizingd serves (the embedded default: $BIZING_HOME, else ~/.bizing). \
            Its flags: bizingd serve --help.
            """,
        subcommands: [Serve.self, Bootstrap.self],
        defaultSubcommand: Serve.self)
}

/// `bizingd [serve]`: the server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Bizing over a Unix domain socket (the default command).",
        discussion: """
            The data folder is $BIZING_HOME, else ~/.bizing. On SIGTERM or SIGINT the server stops \
            accepting, sends GOAWAY, lets calls in flight finish for up to --drain-timeout seconds, \
            then closes and exits 0. Logs go to stderr; stdout carries one line, \
            "bizingd ready on <socket>", once the socket accepts calls.
            """)

    static let logLevels = Logger.Level.allCases.map(\.rawValue)

    @Option(help: "The socket path (default: $BIZING_SOCKET, else <data folder>/bizing.sock).")
    var socket: String?

    @Option(help: "The SQLite database path (default: <data folder>/bizing.sqlite).")
    var db: String?

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Log level: \(Serve.logLevels.joined(separator: ", ")) (default: $BIZING_LOG_LEVEL, else info).",
        valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp(
        "A group whose members may connect: the socket becomes 0660 and owned by it (default: none; the socket is 0600).",
        valueName: "name"))
    var socketGroup: String?

    @Option(help: ArgumentHelp(
        "Seconds that calls in flight may take to finish after SIGTERM or SIGINT (default: 10).", valueName: "seconds"))
    var drainTimeout: Double?

    @Option(help: ArgumentHelp(
        "Only processes of this user (a name or a numeric id; repeatable) may connect; others are refused with PERMISSION_DENIED (default: anyone who can open the socket).",
        valueName: "user"))
    var allowUid: [String] = []

    @Option(help: ArgumentHelp(
        "How commits reach the disk: full (an acknowledged write survives a power cut) or normal (faster; the last commits before a power cut may be lost) (default: full).",
        valueName: "mode"))
    var synchronous: String?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Seed an empty database with a demo organization and users of every role (default: on for the embedded default database, off with --db)."))
    var demo: Bool?

    func validate() throws {
        if let synchronous, !["full", "normal"].contains(synchronous) {
            throw ValidationError("--synchronous must be full or normal, not '\(synchronous)'")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let socket {
            if socket.isEmpty { throw ValidationError("--socket must not be empty") }
            if socket.utf8.count > 100 { throw ValidationError("--socket path longer than 100 bytes does not fit a Unix socket address") }
        }
        if let db {
            if db.isEmpty { throw ValidationError("--db must not be empty") }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: db, isDirectory: &isFolder), isFolder.boolValue {
                throw ValidationError("--db \(db) is a folder; name the database file, e.g. \(db)/bizing.sqlite")
            }
        }
        if let drainTimeout, !(drainTimeout.isFinite && drainTimeout >= 0 && drainTimeout <= 86_400) {
            throw ValidationError("--drain-timeout must be a number of seconds from 0 to 86400")
        }
        _ = try resolvedLogLevel()
        for user in allowUid where Self.userID(user) == nil {
            throw ValidationError("--allow-uid: there is no user '\(user)'")
        }
        if let socketGroup {
            if socketGroup.isEmpty { throw ValidationError("--socket-group must not be empty") }
            if ServerConfiguration.groupID(named: socketGroup) == nil {
                throw ValidationError("--socket-group: there is no group named '\(socketGroup)'")
            }
        }
    }

    /// `--log-level`, else `$BIZING_LOG_LEVEL`, else info.
    func resolvedLogLevel() throws -> Logger.Level {
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw ValidationError("--log-level must be one of \(Self.logLevels.joined(separator: ", ")), not '\(logLevel)'")
            }
            return level
        }
        if let value = ProcessInfo.processInfo.environment["BIZING_LOG_LEVEL"], !value.isEmpty {
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw ValidationError("BIZING_LOG_LEVEL must be one of \(Self.logLevels.joined(separator: ", ")), not '\(value)'")
            }
            return level
        }
        return .info
    }

    func run() async throws {
        let level = try resolvedLogLevel()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "bizingd")

        var configuration = ServerConfiguration(databasePath: db ?? ServerConfiguration.defaultDatabasePath)
        if let socket { configuration.socketPath = socket }
        if let threads { configuration.threads = threads }
        if let drainTimeout { configuration.drainTimeout = .milliseconds(Int64((drainTimeout * 1000).rounded())) }
        configuration.socketGroup = socketGroup
        if !allowUid.isEmpty { configuration.limits.allowedPeerUIDs = Set(allowUid.compactMap(Self.userID)) }
        if synchronous == "normal" { configuration.synchronous = .normal }
        configuration.seedDemoData = demo ?? (db == nil)
        logger.debug("configuration", metadata: [
            "socket": "\(configuration.socketPath)", "db": "\(configuration.databasePath)",
            "threads": "\(configuration.threads)", "socket-group": "\(configuration.socketGroup ?? "-")",
            "drain-timeout": "\(configuration.drainTimeout)", "log-level": "\(level)",
        ])

        let socketPath = configuration.socketPath
        let service = BizingService(configuration: configuration, logger: logger) { _ in
            FileHandle.standardOutput.write(Data("bizingd ready on \(socketPath)\n".utf8))
        }
        let group = ServiceGroup(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("bizingd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// A user name or a numeric id, as a uid; nil when there is no such user.
    static func userID(_ user: String) -> UInt32? {
        if let number = UInt32(user) { return number }
        guard let entry = getpwnam(user) else { return nil }
        return entry.pointee.pw_uid
    }

}

public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn. Foundation's `Process.run()`
/// on Linux crashes intermittently (a buffer over-read listing
/// /proc/self/fd: swift-corelibs-foundation PR #5472, not in this
/// toolchain), which took whole test runs down; this is the small part of
/// it the tools and tests need. Every descriptor but the three standard ones
/// is closed in the child.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream {
        /// A new pipe; the parent's end is `standardInput`/`Output`/`Error`.
        case pipe
        /// /dev/null.
        case null
        /// An open file (the child gets its own copy of the descriptor).
        case file(FileHandle)
    }

    public let pid: pid_t
    /// The parent's ends of the pipes asked for.
    public let standardInput: FileHandle?
    public let standardOutput: FileHandle?
    public let standardError: FileHandle?
    private let exit = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and exactly `environment`.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String], stdin: Stream = .null, stdout: Stream = .pipe, stderr: Stream = .pipe) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32?] = []
        var childEnds: [Int32] = []
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .pipe:
                var fds: [Int32] = [0, 0]
                guard GNU.pipe2(&fds, O_CLOEXEC) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                let (parent, child) = target == 0 ? (fds[1], fds[0]) : (fds[0], fds[1])
                posix_spawn_file_actions_adddup2(&actions, child, target)
                parentEnds.append(parent)
                childEnds.append(child)
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
                parentEnds.append(nil)
            case .file(let handle):
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
                parentEnds.append(nil)
            }
        }
        _ = GNU.addCloseFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and default handlers
        // (a parent ignoring SIGPIPE would pass that on).
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        childEnds.forEach { _ = close($0) }
        guard result == 0 else {
            parentEnds.compactMap { $0 }.forEach { _ = close($0) }
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        self.pid = pid
        standardInput = parentEnds[0].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        standardOutput = parentEnds[1].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        standardError = parentEnds[2].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    /// Starts `executable` with the current environment changed by `changes` (nil removes).
    public convenience init(
        _ executable: URL, _ arguments: [String], changing changes: [String: String?], stdin: Stream = .null, stdout: Stream = .pipe, stderr: Stream = .pipe
    ) throws {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in changes { environment[key] = value }
        try self.init(executable, arguments, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr)
    }

    /// SIGTERM.
    public func terminate() { signal(SIGTERM) }

    /// SIGINT, as Ctrl-C.
    public func interrupt() { signal(SIGINT) }

    public func signal(_ number: Int32) {
        exit.lock()
        defer { exit.unlock() }
        if exitStatus == nil { kill(pid, number) }
    }

    /// Whether it has not exited yet (reaping it if it has).
    public var isRunning: Bool { poll(blocking: false) == nil }

    /// Blocks until it exits: its exit code, or the number of the signal that ended it.
    @discardableResult
    public func waitForExit() -> Int32 { poll(blocking: true)! }

    private func poll(blocking: Bool) -> Int32? {
        exit.lock()
        defer { exit.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : signal
        return exitStatus
    }
}

/// glibc functions Swift's Glibc module does not declare (they need
/// _GNU_SOURCE): found by name once.
private enum GNU {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let pipe2Function: Pipe2 = unsafeBitCast(dlsym(nil, "pipe2")!, to: Pipe2.self)
    static let addCloseFromFunction: AddCloseFrom = unsafeBitCast(dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")!, to: AddCloseFrom.self)

    static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 { pipe2Function(fds, flags) }

    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        addCloseFromFunction(actions, lowest)
    }
}

public import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension FileHandle {
    /// Everything up to the end of the file. Foundation's
    /// `readDataToEndOfFile()` traps when a signal interrupts its read
    /// (EINTR, from a child process exiting, say); this retries.
    public func readToEndRetryingInterrupts() throws -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return data
            } else if errno != EINTR {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }

    /// Writes all of `data`, retrying writes a signal interrupted.
    public func writeRetryingInterrupts(_ data: Data) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written >= 0 {
                    offset += written
                } else if errno != EINTR {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
        }
    }
}

/// A program run to completion: its exit status and what it printed.
public struct ProgramRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs `executable` with `arguments`, the current environment changed
    /// by `environment` (a nil value removes the variable), `stdin` as its
    /// standard input; blocks until it exits. Standard error is read on
    /// another thread, so a chatty program cannot fill one pipe while
    /// this waits on the other.
    public static func run(
        _ executable: URL, _ arguments: [String], environment changes: [String: String?] = [:], stdin: String = ""
    ) throws -> ProgramRun {
        let process = try ChildProcess(executable, arguments, changing: changes, stdin: .pipe)
        let errors = ErrorsReader(process.standardError!)
        // A program that exits without reading its input closes the pipe: ignore that.
        try? process.standardInput!.writeRetryingInterrupts(Data(stdin.utf8))
        try process.standardInput!.close()
        let stdout = try process.standardOutput!.readToEndRetryingInterrupts()
        let stderr = errors.wait()
        let status = process.waitForExit()
        return ProgramRun(status: status, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Reads a pipe to its end on a thread of its own.
    private final class ErrorsReader: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = (try? handle.readToEndRetryingInterrupts()) ?? Data()
                done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}

public import NIOCore

/// Runs tasks on a NIO event loop's thread. A call's handler task started
/// with this preference runs where its connection's frames are read, so a
/// call that does not wait on anything finishes without a single thread
/// hop (the pool round trip costs more than a small call's work).
///
/// Code running here must not block: a blocking call stalls every
/// connection on that loop. Awaiting is fine (GRDB's async reads and writes
/// run on GRDB's own queues and resume here).
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `loop` is immutable and EventLoop is Sendable; the
    // conformance only lacks it because TaskExecutor's requirements are not
    // marked.
    public let loop: any EventLoop

    public init(_ loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

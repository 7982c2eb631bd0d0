import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

extension PeerCredentials {
    /// The peer of a Unix socket connection (SO_PEERCRED), read once when
    /// the connection is accepted; nil where the platform cannot tell.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let future: EventLoopFuture<KernelPeerCredentials> = provider.unsafeGetSocketOption(
            level: .init(SOL_SOCKET), name: .init(SO_PEERCRED))
        return future
            .map { Optional(PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid)) }
            .recover { _ -> PeerCredentials? in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }
}

/// Linux's `struct ucred` (which Swift's Glibc hides behind _GNU_SOURCE):
/// pid, uid, gid, in that order.
private struct KernelPeerCredentials {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

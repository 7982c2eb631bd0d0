// bizing-nio-echo: the least SwiftNIO server, a floor for the RPC benchmark.
// It listens on a Unix socket and writes every inbound ByteBuffer straight
// back with writeAndFlush: no framing, no decoding, no hop off the event
// loop. Run against it, `pingpong --connect PATH` measures what SwiftNIO's
// event loop costs on its own (scripts/bench rpc).
//
//   bizing-nio-echo SOCKET_PATH [--threads 1|2]
//
// Prints `bizing-nio-echo ready on SOCKET_PATH` when bound, then serves
// until killed.
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Echoes each read as it comes: a partial message goes back partial, which
/// a byte-counting client does not mind.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

func usage() -> Never {
    let text = "usage: bizing-nio-echo SOCKET_PATH [--threads 1|2]\n"
    _ = text.withCString { write(2, $0, strlen($0)) }  // stderr; the C global is not concurrency-safe
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = 1
if let flag = arguments.firstIndex(of: "--threads") {
    guard flag + 1 < arguments.count, let count = Int(arguments[flag + 1]), count == 1 || count == 2 else { usage() }
    threads = count
    arguments.removeSubrange(flag...(flag + 1))
}
guard arguments.count == 1, !arguments[0].hasPrefix("-") else { usage() }
let socketPath = arguments[0]

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(EchoHandler())
        }
    }
    .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
    .wait()
print("bizing-nio-echo ready on \(socketPath) (\(threads) event loop thread\(threads == 1 ? "" : "s"))")
fflush(nil)  // all streams: `stdout` itself is not concurrency-safe to name
try channel.closeFuture.wait()

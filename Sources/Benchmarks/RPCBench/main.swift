import BizingRPC
import BizingWire
import Foundation
import NIOCore
import NIOPosix

// Unary echo throughput and latency over a Unix socket, server and clients
// in one process (each with its own event loop thread). A first look at the
// runtime; the load tool of the RPC runtime issue replaces it.
//   bizing-rpc-bench [connections] [in-flight per connection] [seconds]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let connections = arguments.count > 0 ? arguments[0] : 4
let inFlight = arguments.count > 1 ? arguments[1] : 16
let seconds = arguments.count > 2 ? arguments[2] : 5

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-rpc-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let socketPath = directory.appendingPathComponent("bench.sock").path

let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try await RPCServer.start(
    socketPath: socketPath,
    registry: MethodRegistry([RPCMethod.unary("bench.v1.Bench/Echo") { request, _ in request }]),
    group: serverGroup)

var clients: [RPCClient] = []  // filled once, before any task runs
for _ in 0..<connections { clients.append(try await RPCClient.connect(socketPath: socketPath, group: clientGroup)) }
let payload = ByteBuffer(repeating: 0x61, count: 16)

func run(_ clients: [RPCClient], for duration: Duration, inFlight: Int) async throws -> (calls: Int, latencies: [Double]) {
    let end = ContinuousClock.now + duration
    return try await withThrowingTaskGroup(of: [Double].self) { group in
        for client in clients {
            for _ in 0..<inFlight {
                group.addTask(executorPreference: client.executor) {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(100_000)
                    while ContinuousClock.now < end {
                        let start = ContinuousClock.now
                        _ = try await client.unary("bench.v1.Bench/Echo", request: payload)
                        let elapsed = ContinuousClock.now - start
                        latencies.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
                    }
                    return latencies
                }
            }
        }
        var all: [Double] = []
        for try await latencies in group { all += latencies }
        return (all.count, all)
    }
}

func report(_ label: String, _ result: (calls: Int, latencies: [Double]), _ duration: Double) {
    let sorted = result.latencies.sorted()
    func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    print(String(format: "%@: %.0f calls/s  p50 %.0f µs  p90 %.0f µs  p99 %.0f µs  p99.9 %.0f µs  max %.0f µs",
                 label, Double(result.calls) / duration, percentile(0.5), percentile(0.9), percentile(0.99), percentile(0.999), sorted.last ?? 0))
}

/// CPU seconds (user + system) this process has used: per call, it is
/// steadier than wall time on a busy machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func measured(_ label: String, _ clients: [RPCClient], inFlight: Int) async throws {
    let cpu = cpuSeconds()
    let result = try await run(clients, for: .seconds(seconds), inFlight: inFlight)
    let cpuPerCall = (cpuSeconds() - cpu) / Double(max(1, result.calls)) * 1e6
    report(label + String(format: " (%.1f µs CPU per call, client and server)", cpuPerCall), result, Double(seconds))
}

_ = try await run(clients, for: .seconds(1), inFlight: inFlight)  // warm-up
try await measured("\(connections) connections x \(inFlight) in flight", clients, inFlight: inFlight)
try await measured("1 connection x 1 in flight", [clients[0]], inFlight: 1)
for client in clients { try await client.close() }
try await server.stop()

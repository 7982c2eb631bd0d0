import BizingWire
import Foundation
import Histogram

/// The end-of-run report, as text or as one JSON object.
struct Summary {
    let method: String
    let connections: Int
    let inFlight: Int
    let requestBytes: Int
    let requestWireBytes: Int
    /// Calls made while warming up (not in the figures).
    let warmupCalls: Int
    let result: LoadRunner.Result

    var seconds: Double { Double(LoadRunner.micros(result.elapsed)) / 1e6 }
    var callsPerSecond: Double { seconds > 0 ? Double(result.calls) / seconds : 0 }
    var userCPUSeconds: Double { Double(LoadRunner.micros(result.userCPU)) / 1e6 }
    var systemCPUSeconds: Double { Double(LoadRunner.micros(result.systemCPU)) / 1e6 }
    /// This process's CPU per call (all its threads), in µs.
    var cpuMicrosPerCall: Double { result.calls > 0 ? (userCPUSeconds + systemCPUSeconds) * 1e6 / Double(result.calls) : 0 }

    /// The percentiles reported, with their JSON names.
    static let percentiles: [(name: String, label: String, value: Double)] = [
        ("p50", "p50", 50), ("p90", "p90", 90), ("p99", "p99", 99), ("p99_9", "p99.9", 99.9),
    ]

    /// Errors by status name, most frequent first.
    var errorsByName: [(name: String, count: Int)] {
        result.errors.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key.rawValue < $1.key.rawValue) }
            .map { ($0.key.name, $0.value) }
    }

    func printText() {
        let latency = result.latency
        var lines = [
            "\(method): \(connections) connection\(connections == 1 ? "" : "s") x \(inFlight) in flight, "
                + "\(requestBytes)-byte request (\(requestWireBytes) bytes of frames)",
            String(format: "calls      %@ in %.2f s = %@ calls/s", Self.grouped(result.calls), seconds, Self.grouped(Int(callsPerSecond.rounded()))),
            "succeeded  \(Self.grouped(result.succeeded))",
            "errors     " + (errorsByName.isEmpty ? "none" : errorsByName.map { "\($0.name) \(Self.grouped($0.count))" }.joined(separator: ", ")),
        ]
        if latency.totalCount > 0 {
            let figures = Self.percentiles.map { "\($0.label) \(Self.grouped(Int(latency.valueAtPercentile($0.value))))" }
                + ["max \(Self.grouped(Int(latency.maxRecorded)))"]
            lines.append("latency µs " + figures.joined(separator: "  ") + String(format: "  (mean %.1f)", latency.mean))
        } else {
            lines.append("latency µs none: no call succeeded")
        }
        lines.append(String(format: "client CPU %.2f s user + %.2f s system = %.1f µs a call", userCPUSeconds, systemCPUSeconds, cpuMicrosPerCall))
        print(lines.joined(separator: "\n"))
    }

    func printJSON() throws {
        let latency = result.latency
        var object: [String: Any] = [
            "method": method,
            "connections": connections,
            "inFlight": inFlight,
            "requestBytes": requestBytes,
            "requestWireBytes": requestWireBytes,
            "calls": result.calls,
            "warmupCalls": warmupCalls,
            "succeeded": result.succeeded,
            "errors": Dictionary(uniqueKeysWithValues: errorsByName.map { ($0.name, $0.count) }),
            "durationSeconds": (seconds * 1000).rounded() / 1000,
            "callsPerSecond": (callsPerSecond * 10).rounded() / 10,
            "clientCPU": [
                "userSeconds": (userCPUSeconds * 1000).rounded() / 1000,
                "systemSeconds": (systemCPUSeconds * 1000).rounded() / 1000,
                "microsPerCall": (cpuMicrosPerCall * 10).rounded() / 10,
            ],
        ]
        if latency.totalCount > 0 {
            var micros: [String: Any] = [:]
            for percentile in Self.percentiles { micros[percentile.name] = latency.valueAtPercentile(percentile.value) }
            micros["max"] = latency.maxRecorded
            micros["min"] = latency.min
            micros["mean"] = (latency.mean * 10).rounded() / 10
            object["latencyMicros"] = micros
        } else {
            object["latencyMicros"] = NSNull()
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    /// 1234567 -> "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}

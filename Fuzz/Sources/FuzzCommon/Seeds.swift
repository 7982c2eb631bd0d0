import BizingWire
import Foundation
import NIOCore

/// Valid inputs to start the corpora from. `scripts/fuzz --write-seeds`
/// writes them to `Fuzz/Seeds/<target>/` through `writeSeedsIfAsked`.
public enum SeedCorpus {
    public static func sampleRich() -> Rich {
        var rich = Rich()
        rich.id = "booking-42"
        rich.scalars.double = -2.5
        rich.scalars.float = .nan
        rich.scalars.int32 = -7
        rich.scalars.int64 = Int64.min
        rich.scalars.uint32 = .max
        rich.scalars.uint64 = 1 << 40
        rich.scalars.sint32 = -300
        rich.scalars.sint64 = .min
        rich.scalars.fixed32 = 0xDEAD_BEEF
        rich.scalars.fixed64 = 1
        rich.scalars.sfixed32 = -1
        rich.scalars.sfixed64 = -2
        rich.scalars.bool = true
        rich.scalars.string = "héllo ✓"
        rich.scalars.bytes = Data([0, 1, 2, 0xFF])
        rich.scalars.int = -1
        rich.scalars.uint = 5
        rich.scalars.int16 = -32768
        rich.scalars.uint16 = 65535
        rich.scalars.int8 = -128
        rich.scalars.uint8 = 255
        rich.scalars.sfixedInt = -3
        rich.scalars.sint16 = 1000
        rich.scalars.fixedUInt8 = 9
        var inner = Inner()
        inner.name = "inner"
        inner.blob = Data([9, 8, 7])
        inner.delta = -1
        inner.when = Date(timeIntervalSince1970: 1_700_000_000.25)
        inner.color = .green
        rich.inner = inner
        rich.optInner = Inner()
        rich.inners = [inner, Inner()]
        rich.color = .unrecognized(-5)
        rich.optColor = .unspecified
        rich.colors = [.red, .blue, .unrecognized(99)]
        rich.when = Date(timeIntervalSince1970: -1.5)
        rich.optWhen = Date(timeIntervalSince1970: 0)
        rich.dates = [Date(timeIntervalSince1970: 1e9), Date(timeIntervalSince1970: -62_135_596_800)]
        rich.tags = ["a", "", "ü"]
        rich.blobs = [Data(), Data([1])]
        rich.numbers.int32s = [1, -1, 300]
        rich.numbers.sint64s = [-1, .max]
        rich.numbers.fixed32s = [1, 2]
        rich.numbers.sfixed64s = [-9]
        rich.numbers.doubles = [0, -0.0, .infinity]
        rich.numbers.floats = [1.5]
        rich.numbers.bools = [true, false]
        rich.numbers.uint64s = [.max]
        rich.numbers.sint32s = [.min]
        rich.numbers.ints = [42]
        rich.byName = ["x": 1, "y": -1, "": 0]
        rich.byID = [7: inner, -1: Inner()]
        rich.labels = [0: "zero", .max: "max"]
        rich.blobMap = ["k": Data([0xAB])]
        rich.dateMap = [1: Date(timeIntervalSince1970: 86_400)]
        rich.optString = ""
        rich.optBytes = Data()
        rich.optSint64 = 0
        rich.optDouble = -0.0
        rich.optBool = false
        rich.optFixed32 = 0
        var leaf = Node()
        leaf.label = "leaf"
        leaf.value = -3
        var tree = Node()
        tree.label = "root"
        tree.value = 1
        tree.children = [leaf, Node()]
        rich.tree = tree
        rich.status = .resourceExhausted
        rich.uuid = UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")
        rich.uuids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]
        rich.last = 1
        return rich
    }

    static func deepNode(_ depth: Int) -> Node {
        var node = Node()
        node.value = Int64(depth)
        if depth > 0 { node.children = [deepNode(depth - 1)] }
        return node
    }

    public static func sampleCallStart() -> CallStart {
        CallStart(
            method: "bizing.booking.v1.Booking/CreateBooking",
            metadata: [
                MetadataEntry(key: "authorization", value: "Bearer abc"),
                MetadataEntry(key: "trace-bin", binaryValue: Data([1, 2, 3])),
            ],
            timeoutMicros: 5_000_000)
    }

    public static func sampleCallEnd() -> CallEnd {
        CallEnd(
            status: RPCStatus.invalidArgument(field: "slot.start", "must be in the future"),
            trailers: [MetadataEntry(key: "retry", value: "no")])
    }

    public static func sampleCallEndRetry() -> CallEnd {
        CallEnd(status: RPCStatus(.unavailable, "draining", details: StatusDetails(retryDelayMillis: 0, reason: "SLOT_TAKEN")))
    }

    public static func sampleSettings() -> Settings {
        Settings(maxFrameSize: 1 << 20, maxConcurrentCalls: 100, initialWindow: 16, maxMetadataSize: 16 << 10,
                 maxMessageSize: 4 << 20, acceptCompression: ["zlib"])
    }

    public static func messageSeeds() throws -> [(String, [UInt8])] {
        var shallow = Rich()
        shallow.tree = deepNode(20)
        return [
            ("rich", try ProtobufEncoder().encode(sampleRich())),
            ("rich-deep-tree", try ProtobufEncoder().encode(shallow)),
            ("call-start", try ProtobufEncoder().encode(sampleCallStart())),
            ("call-end", try ProtobufEncoder().encode(sampleCallEnd())),
            ("call-end-retry", try ProtobufEncoder().encode(sampleCallEndRetry())),
            ("settings", try ProtobufEncoder().encode(sampleSettings())),
        ]
    }

    /// Frame-target inputs: two bytes of harness options (see
    /// `FrameHarnessInput`), then the byte stream.
    public static func frameSeeds() throws -> [(String, [UInt8])] {
        var connection = ByteBuffer()
        ConnectionPreface().write(to: &connection)
        try Frame.control(.settings, sampleSettings()).write(to: &connection)
        try Frame.control(.callStart, callID: 1, sampleCallStart()).write(to: &connection)
        var message = ByteBuffer()
        try ProtobufEncoder().encode(sampleRich(), into: &message)
        Frame(type: .message, callID: 1, payload: message).write(to: &connection)
        let compressed = try MessageCompression.compress(message)
        Frame(type: .message, flags: [.compressed, .endStream], callID: 1, payload: compressed).write(to: &connection)
        try Frame.control(.windowUpdate, callID: 1, WindowUpdate(increment: 8)).write(to: &connection)
        Frame(type: .ping, callID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])).write(to: &connection)
        try Frame.control(.callEnd, callID: 1, sampleCallEnd()).write(to: &connection)
        try Frame.control(.cancel, callID: 3, Cancel(reason: "user left")).write(to: &connection)
        try Frame.control(.goAway, GoAway(lastCallID: 3, code: .unavailable, reason: "restart")).write(to: &connection)
        Frame(type: FrameType(rawValue: 0x7F), callID: 9, payload: ByteBuffer(bytes: [0xEE])).write(to: &connection)

        // A compressed message on its own, and a small zlib bomb (all zeros).
        var single = ByteBuffer()
        Frame(type: .message, flags: .compressed, callID: 5, payload: compressed).write(to: &single)
        let bomb = try MessageCompression.compress(ByteBuffer(repeating: 0, count: 200_000))
        Frame(type: .message, flags: .compressed, callID: 5, payload: bomb).write(to: &single)

        var controlOnly = ByteBuffer()
        try Frame.control(.callEnd, callID: 2, sampleCallEndRetry()).write(to: &controlOnly)
        try Frame.control(.settings, Settings()).write(to: &controlOnly)

        return [
            ("connection", [0x01, 0x00] + Array(connection.readableBytesView)),
            ("connection-bytewise", [0x01, 0xFF] + Array(connection.readableBytesView)),
            ("compressed", [0x00, 0x10] + Array(single.readableBytesView)),
            ("control", [0x00, 0x42] + Array(controlOnly.readableBytesView)),
            ("truncated", [0x00, 0x00] + Array(controlOnly.readableBytesView.dropLast(3))),
        ]
    }

    /// When `BIZING_FUZZ_WRITE_SEEDS` names a folder, writes the seeds there
    /// and exits; called from each target's `LLVMFuzzerInitialize`.
    public static func writeSeedsIfAsked(_ seeds: () throws -> [(String, [UInt8])]) {
        guard let folder = ProcessInfo.processInfo.environment["BIZING_FUZZ_WRITE_SEEDS"] else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, bytes) in try seeds() {
                try Data(bytes).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
            }
            print("wrote seeds to \(folder)")
            exit(0)
        } catch {
            print("could not write seeds: \(error)")
            exit(1)
        }
    }
}

// swift-tools-version:6.1
import PackageDescription

// Swift 6 language mode everywhere, plus the upcoming features that keep
// module boundaries honest (explicit `any`, import access levels).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "bizing",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BizingWire", targets: ["BizingWire"]),
        .library(name: "BizingRPC", targets: ["BizingRPC"]),
        .library(name: "BizingClient", targets: ["BizingClient"]),
        .executable(name: "bizingd", targets: ["bizingd"]),
        .executable(name: "bizing", targets: ["bizing"]),
        .executable(name: "bizing-load", targets: ["bizing-load"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // The system libz (zlib1g-dev). compress-nio's inflate cannot tell a finished
        // stream from a truncated one, and message decompression must be exact and bounded.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The bytes on the wire: protobuf-wire Codable coder, frames, status codes, compression.
        .target(
            name: "BizingWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                "CZlib",
            ],
            swiftSettings: strictSettings
        ),
        // The RPC runtime over Unix sockets: connections, calls, deadlines, cancellation.
        .target(
            name: "BizingRPC",
            dependencies: [
                "BizingWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BizingRPCTests",
            dependencies: [
                "BizingRPC",
                "BizingWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Generated from schema/: message types, descriptors, service protocols, dispatch tables.
        .target(
            name: "BizingAPI",
            dependencies: ["BizingRPC", "BizingWire"],
            swiftSettings: strictSettings
        ),
        // The generated Swift client library other services on the host depend on.
        .target(
            name: "BizingClient",
            dependencies: ["BizingAPI", "BizingRPC", "BizingWire"],
            path: "clients/swift/BizingClient",
            swiftSettings: strictSettings
        ),
        // The SQLite database: opens and configures it (GRDB over the system libsqlite3).
        .target(
            name: "BizingStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BizingStoreTests",
            dependencies: ["BizingStore", "BizingTools", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // What every context's service layer shares: field violations and
        // INVALID_ARGUMENT, request id parsing, page tokens, common statuses,
        // time zone and currency rules.
        .target(
            name: "ContextKit",
            dependencies: ["BizingWire"],
            swiftSettings: strictSettings
        ),
        // The Identity context: users, credentials, sessions, service tokens, roles,
        // households. Domain/ is pure (no I/O): password hashing, secret tokens,
        // the role permission table, household rules, input validation. Store/
        // owns its tables' queries. Service/ implements the generated
        // bizing.identity.v1 protocols and the token authentication.
        .target(
            name: "Identity",
            dependencies: [
                "ContextKit",
                "BizingStore",
                "BizingAPI",
                "BizingRPC",
                "BizingWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The Catalog context: locations, bookables (providers, assets,
        // venues, company providers) and their calendars, service templates,
        // products, packages, programs. Domain/ is pure validation and rules;
        // Store/ owns the catalog tables; Service/ implements
        // bizing.catalog.v1. It asks Identity (one way) who the caller is and
        // what they may do, through Identity's `IdentityDirectory`.
        .target(
            name: "Catalog",
            dependencies: [
                "ContextKit",
                "Identity",
                "BizingStore",
                "BizingAPI",
                "BizingRPC",
                "BizingWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "ContextKit", "BizingAPI", "Identity"],
            swiftSettings: strictSettings
        ),
        // The Scheduling context: calendars and the availability engine.
        // Domain/ is pure: intervals in UTC seconds, wall-clock time in IANA
        // zones (DST gaps and repeats resolved one way), working time.
        .target(
            name: "Scheduling",
            dependencies: [
                "Catalog", "ContextKit", "Identity", "BizingStore", "BizingAPI", "BizingRPC", "BizingWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // The Booking context: holds, bookings, their lifecycle, participants.
        // Domain/ is pure (the lifecycle table, hold terms, the price
        // snapshot, idempotency keys, who may book whom, dispatch, seats);
        // it takes time through Scheduling's ledger.
        .target(
            name: "Booking",
            dependencies: [
                "Identity", "Catalog", "Scheduling", "ContextKit", "BizingStore", "BizingAPI", "BizingRPC", "BizingWire",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BookingTests",
            dependencies: ["Booking", "Identity"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SchedulingTests",
            dependencies: ["Scheduling", "Catalog", "BizingAPI", "ContextKit", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IdentityTests",
            dependencies: ["Identity", "ContextKit", "BizingStore", "BizingWire", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The composition root: wires the contexts to the RPC runtime.
        .target(
            name: "BizingServer",
            dependencies: [
                "Identity", "Catalog", "Scheduling", "Booking", "ContextKit",
                "BizingAPI", "BizingRPC", "BizingWire", "BizingStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bizingd",
            dependencies: [
                "Identity", "ContextKit", "BizingTools",
                "BizingServer", "BizingStore", "BizingRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BizingServerTests",
            dependencies: [
                "BizingServer", "BizingClient", "BizingAPI", "BizingRPC", "BizingWire", "BizingStore", "Identity", "Catalog", "Scheduling", "Booking", "ContextKit", "BizingTools",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // What the CLI needs beyond the client: JSON <-> protobuf through descriptors.
        .target(name: "BizingTools", dependencies: ["BizingRPC", "BizingWire"], swiftSettings: strictSettings),
        .executableTarget(
            name: "bizing",
            dependencies: [
                "BizingTools", "BizingAPI", "BizingClient", "BizingRPC", "BizingWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The load generator: N connections x M calls in flight, latency histograms.
        .executableTarget(
            name: "bizing-load",
            dependencies: [
                "BizingRPC", "BizingWire", "BizingTools", "BizingAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BizingToolsTests",
            dependencies: ["BizingTools", "BizingAPI", "BizingRPC", "BizingWire", "BizingServer", "BizingStore", "Identity"],
            swiftSettings: strictSettings
        ),
        // The schema compiler: proto3 subset -> model -> Swift.
        .target(name: "BizingCodegen", swiftSettings: strictSettings),
        .executableTarget(name: "bizing-codegen", dependencies: ["BizingCodegen"], swiftSettings: strictSettings),
        .testTarget(name: "BizingCodegenTests", dependencies: ["BizingCodegen"], swiftSettings: strictSettings),
        .executableTarget(
            name: "bizing-wire-bench",
            dependencies: ["BizingWire"],
            path: "Sources/Benchmarks/WireBench",
            swiftSettings: strictSettings
        ),
        // The availability benchmark: a seeded server searched through its socket.
        .executableTarget(
            name: "bizing-availability-bench",
            dependencies: ["BizingServer", "BizingClient", "BizingAPI", "BizingRPC", "BizingWire", "BizingStore", "Catalog", "Identity", "Scheduling"],
            path: "Sources/Benchmarks/AvailabilityBench",
            swiftSettings: strictSettings
        ),
        // The booking benchmark: Bookings.Create through a seeded server, and the SQLite commit floor under it.
        .executableTarget(
            name: "bizing-booking-bench",
            dependencies: ["BizingServer", "BizingClient", "BizingAPI", "BizingRPC", "BizingWire", "BizingStore", "Catalog", "Identity", "Scheduling",
                           .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/Benchmarks/BookingBench",
            swiftSettings: strictSettings
        ),
        // The least SwiftNIO echo server: the event loop's own cost, under the RPC benchmark.
        .executableTarget(
            name: "bizing-nio-echo",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Benchmarks/NIOEcho",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BizingWireTests",
            dependencies: [
                "BizingWire",
                "BizingTools",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Conformance"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The bytes on the wire: protobuf-wire Codable coder, frames, status codes, compression.
        .target(
            name: "BizingWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bizing-wire-bench",
            dependencies: ["BizingWire"],
            path: "Sources/Benchmarks/WireBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BizingWireTests",
            dependencies: [
                "BizingWire",
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

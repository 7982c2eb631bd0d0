// swift-tools-version:5.4
//
// The libFuzzer targets for BizingWire, in a package of their own on purpose.
//
// With tools-version 5.5 or later SwiftPM renames an executable's entry point
// to `<Module>_main` and points `main` at it (so executables can be tested).
// A fuzz target has no entry point of its own — libFuzzer's runtime provides
// `main` — so with `-parse-as-library` the link fails for the missing
// `<Module>_main`, and without it Swift emits an empty `main` that takes the
// place of libFuzzer's: the binary starts, runs nothing and exits 0.
// At tools-version 5.4 SwiftPM does neither, and libFuzzer's `main` is used.
// (swift-protobuf's FuzzTesting/ package does the same.) Keep it at 5.4:
// `scripts/fuzz` also checks that libFuzzer reports `Done N runs`.
//
// The root package (tools-version 6.1) is an ordinary path dependency: each
// manifest is read with its own tools version.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after the last component of its path, and
// this package after its folder: `fuzz`. In a clone whose folder is itself
// named `fuzz` the two collide (SwiftPM reports a "cyclic dependency"), so
// `scripts/fuzz` then sets BIZING_FUZZ_ROOT to a symlink named `bizing`.
let rootPath = ProcessInfo.processInfo.environment["BIZING_FUZZ_ROOT"] ?? ".."

let package = Package(
    name: "BizingFuzz",
    dependencies: [
        .package(name: "bizing", path: rootPath),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Message types and checks shared by both fuzz targets.
        .target(
            name: "FuzzCommon",
            dependencies: [
                .product(name: "BizingWire", package: "bizing"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "FuzzMessageDecoder",
            dependencies: [
                "FuzzCommon",
                .product(name: "BizingWire", package: "bizing"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "FuzzFrameDecoder",
            dependencies: [
                "FuzzCommon",
                .product(name: "BizingWire", package: "bizing"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)

// libFuzzer target: arbitrary bytes as protobuf messages.
//
// Decodes the input as the rich test message (`Rich`: nested, recursive and
// repeated messages, maps, enums, dates, strings, bytes, optionals, sint and
// fixed integers) and as the control messages CallStart, CallEnd and
// Settings. Whatever decodes must re-encode, decode again to an equal value
// and encode again to the same bytes; whatever does not must fail with a
// WireFormatError. Anything else — a trap, an ASan report, a hang — is a bug.
//
// No main: libFuzzer provides it (see Package.swift on why this package stays
// at tools-version 5.4). Built with -parse-as-library, so no top-level code.
import FuzzCommon

@_cdecl("LLVMFuzzerInitialize")
public func fuzzMessageInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    SeedCorpus.writeSeedsIfAsked(SeedCorpus.messageSeeds)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageDecoder(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    // Copy into an allocation of exactly `count` bytes, so ASan flags any
    // read past the end (libFuzzer's own buffer is exact too; this also
    // covers the empty input, whose pointer may be null).
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
    defer { bytes.deallocate() }
    if count > 0, let start = start {
        bytes.copyMemory(from: UnsafeRawBufferPointer(start: start, count: count))
    }
    checkAllMessages(UnsafeRawBufferPointer(bytes))
    return 0
}

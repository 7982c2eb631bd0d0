// libFuzzer target: arbitrary bytes as a connection's inbound byte stream.
//
// Input: byte 0 bit 0 says whether the stream starts with the connection
// preface; bytes 0-1 seed the chunk sizes; the rest is the stream.
//
// The stream goes through `FrameDecoder` twice: once whole (decode until nil,
// then decodeLast at EOF) and once in chunks of 1 to ~300 bytes through NIO's
// `NIOSingleStepByteToMessageProcessor`, as a channel would deliver it. Both
// must give the same frames and the same error ("input split at any byte
// decodes the same"), errors must be FrameErrors, the frames must re-serialize
// to exactly the bytes they were read from, and no payload may exceed
// maxFrameSize. Then each frame's payload is decoded as what its type says
// (SETTINGS, CALL_START, CALL_END, GOAWAY, WINDOW_UPDATE, CANCEL as control
// messages; MESSAGE as the rich test message, inflated first when flagged
// compressed, with small limits) with the same round-trip checks as
// FuzzMessageDecoder.
import BizingWire
import FuzzCommon
import NIOCore

private let maxFrameSize = 64 << 10
private let decompressionLimits = MessageCompression.Limits(
    maxDecompressedBytes: 256 << 10, maxRatio: 50, ratioFloorBytes: 4 << 10)

@_cdecl("LLVMFuzzerInitialize")
public func fuzzFrameInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    SeedCorpus.writeSeedsIfAsked(SeedCorpus.frameSeeds)
    return 0
}

/// What one decoding pass produced.
private struct Outcome: Equatable {
    var inbound: [WireInbound] = []
    var error: FrameError? = nil
}

private func decodeWhole(_ stream: ByteBuffer, expectPreface: Bool) -> Outcome {
    var outcome = Outcome()
    var decoder = FrameDecoder(maxFrameSize: maxFrameSize, expectPreface: expectPreface)
    var buffer = stream
    do {
        while let inbound = try decoder.decode(buffer: &buffer) { outcome.inbound.append(inbound) }
        while let inbound = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { outcome.inbound.append(inbound) }
        if buffer.readableBytes != 0 {
            fuzzFailure("decodeLast at EOF returned nil with \(buffer.readableBytes) bytes left\nstream: \(hex(stream.readableBytesView))")
        }
    } catch let error as FrameError {
        outcome.error = error
    } catch {
        fuzzFailure("FrameDecoder threw a non-FrameError: \(error)")
    }
    return outcome
}

/// xorshift32, so chunk sizes are a function of the input.
private struct ChunkSizes {
    var state: UInt32
    init(seed: UInt16) { state = UInt32(seed) &* 0x9E37_79B9 | 1 }
    mutating func next() -> Int {
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        switch state % 8 {
        case 0, 1, 2: return 1 + Int(state >> 8) % 3         // byte by byte
        case 3, 4: return 1 + Int(state >> 8) % 12           // inside a header
        case 5, 6: return 1 + Int(state >> 8) % 64
        default: return 1 + Int(state >> 8) % 300
        }
    }
}

private func decodeChunked(_ stream: ByteBuffer, expectPreface: Bool, seed: UInt16) -> Outcome {
    var outcome = Outcome()
    let processor = NIOSingleStepByteToMessageProcessor(FrameDecoder(maxFrameSize: maxFrameSize, expectPreface: expectPreface))
    var sizes = ChunkSizes(seed: seed)
    var rest = stream
    do {
        var chunks = 0
        while rest.readableBytes > 0 {
            // At most 256 chunks: past that, the rest arrives at once.
            chunks += 1
            let size = chunks < 256 ? sizes.next() : rest.readableBytes
            let chunk = rest.readSlice(length: min(size, rest.readableBytes))!
            try processor.process(buffer: chunk) { outcome.inbound.append($0) }
        }
        try processor.finishProcessing(seenEOF: true) { outcome.inbound.append($0) }
    } catch let error as FrameError {
        outcome.error = error
    } catch {
        fuzzFailure("NIOSingleStepByteToMessageProcessor(FrameDecoder) threw a non-FrameError: \(error)")
    }
    return outcome
}

private func checkPayload(_ frame: Frame) {
    switch frame.type {
    case .settings: checkRoundTrip(Settings.self, frame.payload)
    case .callStart: checkRoundTrip(CallStart.self, frame.payload)
    case .callEnd: checkRoundTrip(CallEnd.self, frame.payload)
    case .goAway: checkRoundTrip(GoAway.self, frame.payload)
    case .windowUpdate: checkRoundTrip(WindowUpdate.self, frame.payload)
    case .cancel: checkRoundTrip(Cancel.self, frame.payload)
    case .message:
        guard frame.flags.contains(.compressed) else {
            checkRoundTrip(Rich.self, frame.payload)
            return
        }
        let cap = decompressionLimits.cap(forCompressedSize: frame.payload.readableBytes)
        let inflated: ByteBuffer
        do {
            inflated = try MessageCompression.decompress(frame.payload, limits: decompressionLimits)
        } catch {
            guard error.code == .internal || error.code == .resourceExhausted else {
                fuzzFailure("decompress failed with an unexpected status: \(error)\npayload: \(hex(frame.payload.readableBytesView))")
            }
            return
        }
        guard inflated.readableBytes <= cap else {
            fuzzFailure("decompress returned \(inflated.readableBytes) bytes, over its cap of \(cap)")
        }
        // What inflated must compress and inflate back to itself.
        do {
            let again = try MessageCompression.decompress(
                try MessageCompression.compress(inflated),
                // Not `.max`: decompress computes `cap + 1`, which traps at Int.max.
                limits: MessageCompression.Limits(maxDecompressedBytes: 1 << 30, maxRatio: 1 << 20, ratioFloorBytes: 1 << 30))
            guard again == inflated else { fuzzFailure("compress + decompress changed \(inflated.readableBytes) bytes") }
        } catch {
            fuzzFailure("compress + decompress of \(inflated.readableBytes) inflated bytes failed: \(error)")
        }
        checkRoundTrip(Rich.self, inflated)
    default:
        break  // PING and unknown types carry opaque payloads
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard count >= 2, let start = start else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let expectPreface = input[0] & 1 == 1
    let seed = UInt16(input[0]) << 8 | UInt16(input[1])
    let stream = ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: input[2...]))

    let whole = decodeWhole(stream, expectPreface: expectPreface)
    let chunked = decodeChunked(stream, expectPreface: expectPreface, seed: seed)
    guard whole == chunked else {
        fuzzFailure("""
            chunked decoding differs from whole decoding
            whole:   \(whole.inbound.count) items, error \(String(describing: whole.error))
            chunked: \(chunked.inbound.count) items, error \(String(describing: chunked.error))
            stream: \(hex(stream.readableBytesView))
            """)
    }

    // The decoded items, written back, are exactly the bytes they came from.
    var rewritten = ByteBuffer()
    for inbound in whole.inbound {
        switch inbound {
        case .preface(let preface):
            // The eighth byte is reserved and not checked on receipt: keep the stream's.
            var written = ByteBuffer()
            preface.write(to: &written)
            let seen = stream.getBytes(at: stream.readerIndex + rewritten.readableBytes, length: ConnectionPreface.size)
            guard let seen = seen, seen.prefix(7).elementsEqual(written.readableBytesView.prefix(7)) else {
                fuzzFailure("preface \(preface) does not match the stream\nstream: \(hex(stream.readableBytesView))")
            }
            rewritten.writeBytes(seen)
        case .frame(let frame):
            guard frame.payload.readableBytes <= maxFrameSize else {
                fuzzFailure("frame payload of \(frame.payload.readableBytes) bytes passed maxFrameSize \(maxFrameSize)")
            }
            frame.write(to: &rewritten)
        }
    }
    // (Compared as arrays: ByteBufferView's per-byte subscript is slow in a debug build.)
    let streamBytes = stream.getBytes(at: stream.readerIndex, length: stream.readableBytes)!
    let rewrittenBytes = rewritten.getBytes(at: rewritten.readerIndex, length: rewritten.readableBytes)!
    guard rewrittenBytes.count <= streamBytes.count, streamBytes[..<rewrittenBytes.count].elementsEqual(rewrittenBytes) else {
        fuzzFailure("re-serialized frames differ from the stream\nstream:    \(hex(streamBytes))\nrewritten: \(hex(rewrittenBytes))")
    }
    if whole.error == nil && rewritten.readableBytes != stream.readableBytes {
        fuzzFailure("decoding ended without error but left \(stream.readableBytes - rewritten.readableBytes) bytes")
    }

    for case .frame(let frame) in whole.inbound {
        checkPayload(frame)
    }
    return 0
}

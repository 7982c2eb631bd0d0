import NIOCore
import BizingWire
import Logging
import Synchronization

/// One client connection: the protocol's state machine on the event loop.
///
/// Frames arrive decoded by `FrameDecoder`; each call runs its handler in a
/// task and hops back here to answer. Outgoing frames are gathered in one
/// buffer and flushed once per read burst or completion burst, so a busy
/// connection makes few syscalls.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case awaitingPreface, awaitingSettings, open, draining, closed }

    private struct ActiveCall {
        var start: CallStart
        var method: RPCMethod
        var deadline: ContinuousClock.Instant?
        var requestReceived = false
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?
        /// Server-streaming: messages the client still lets us send (shared
        /// with the handler's task, which skips the round trip to the loop
        /// while there is credit), and sends waiting for more credit.
        var credit: StreamCredit?
        var waitingSends: [(message: ByteBuffer, compressed: Bool, sent: EventLoopPromise<Void>)] = []
    }

    private let environment: ServerEnvironment
    private var limits: ServerLimits { environment.limits }
    private let peer: PeerCredentials?
    /// Names this connection in generated request ids.
    private let connectionTag: String
    /// Set when the server is full: the connection is answered with GOAWAY.
    private let refusal: ConnectionRefusal?
    private var phase = Phase.awaitingPreface
    private var frames: FrameReassembler
    private var calls: [UInt32: ActiveCall] = [:]
    private var highestCallID: UInt32 = 0
    private var peerSettings = Settings()
    private var context: ChannelHandlerContext?
    private var output = ByteBuffer()
    private var flushScheduled = false

    init(environment: ServerEnvironment, peer: PeerCredentials?, connectionTag: String, refusal: ConnectionRefusal? = nil) {
        self.environment = environment
        self.peer = peer
        self.connectionTag = connectionTag
        self.refusal = refusal
        self.frames = FrameReassembler(maxFrameSize: environment.limits.maxFrameSize)
    }

    /// Whether the client inflates zlib, so large responses may be compressed.
    private var peerAcceptsZlib = false

    /// Handler tasks prefer this connection's loop (see `EventLoopTaskExecutor`).
    private var executor: EventLoopTaskExecutor?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        executor = EventLoopTaskExecutor(context.eventLoop)
        output = context.channel.allocator.buffer(capacity: 4096)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandonAllCalls()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        abandonAllCalls()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is DrainRequest else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Calls started so far finish; later ones are refused; close when idle.
        send(try! Frame.control(.goAway, GoAway(lastCallID: highestCallID, code: .unavailable, reason: "the server is shutting down")))
        phase = .draining
        flushOutput()
        if calls.isEmpty { close() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushOutput()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError {
            if frameError.code == .badPreface || frameError.code == .truncatedFrame {
                // Not our protocol, or nobody left to tell: just close.
                close()
            } else {
                connectionError(frameError.statusCode, frameError.detail)
            }
        } else {
            close()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .closed else { return }
        frames.append(unwrapInboundIn(data))
        do {
            while phase != .closed, let inbound = try frames.next() { process(inbound) }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    private func process(_ inbound: WireInbound) {
        switch inbound {
        case .preface(let preface):
            ConnectionPreface().write(to: &output)
            if let refusal {
                connectionError(refusal.code, refusal.reason)
                return
            }
            guard preface.version == ConnectionPreface.currentVersion else {
                connectionError(.unimplemented, "protocol version \(preface.version) is not supported; this server speaks version \(ConnectionPreface.currentVersion)")
                return
            }
            send(try! Frame.control(.settings, limits.settings))
            phase = .awaitingSettings
        case .frame(let frame):
            if phase == .awaitingSettings {
                guard frame.type == .settings, frame.callID == 0,
                      let settings = try? frame.decodePayload(as: Settings.self) else {
                    connectionError(.internal, "the first frame after the preface must be SETTINGS on call 0")
                    return
                }
                peerSettings = settings
                peerAcceptsZlib = settings.acceptCompression.contains("zlib")
                phase = .open
                return
            }
            handle(frame)
        }
    }

    // MARK: Frames

    private func handle(_ frame: Frame) {
        switch frame.type {
        case .callStart: callStarted(frame)
        case .message: messageReceived(frame)
        case .cancel: cancelReceived(frame)
        case .ping: pingReceived(frame)
        case .windowUpdate: windowUpdateReceived(frame)
        case .settings: connectionError(.internal, "SETTINGS may only be sent once")
        case .goAway, .callEnd:
            // Clients only ever receive CALL_END; GOAWAY from a client means it
            // will start no more calls.
            break
        default:
            break  // unknown frame types are ignored, for later versions
        }
    }

    private func callStarted(_ frame: Frame) {
        let id = frame.callID
        guard id != 0, id > highestCallID else {
            connectionError(.internal, "CALL_START with call id \(id), not above the highest used so far (\(highestCallID))")
            return
        }
        highestCallID = id
        guard frame.payload.readableBytes <= limits.maxMetadataSize else {
            endCall(id, RPCStatus(.resourceExhausted, "CALL_START of \(frame.payload.readableBytes) bytes exceeds the \(limits.maxMetadataSize)-byte limit"))
            return
        }
        let start: CallStart
        do {
            start = try CallStart.read(from: frame.payload)
        } catch {
            endCall(id, RPCStatus(.invalidArgument, "malformed CALL_START: \(error)", details: StatusDetails(reason: "MALFORMED_MESSAGE")))
            return
        }
        if let problem = Self.validate(start) {
            endCall(id, problem)
            return
        }
        guard phase != .draining else {
            endCall(id, RPCStatus(.unavailable, "the server is shutting down", details: StatusDetails(reason: "DRAINING")))
            return
        }
        guard calls.count < limits.maxConcurrentCallsPerConnection else {
            endCall(id, RPCStatus(
                .resourceExhausted, "more than \(limits.maxConcurrentCallsPerConnection) calls in flight on this connection",
                details: StatusDetails(retryDelayMillis: 10, reason: "TOO_MANY_CALLS")))
            return
        }
        guard let method = environment.registry[start.method] else {
            endCall(id, RPCStatus(.unimplemented, "unknown method \(start.method)"))
            return
        }
        guard environment.load.acquireCall(limit: limits.maxConcurrentCalls) else {
            endCall(id, RPCStatus(
                .resourceExhausted, "the server has \(limits.maxConcurrentCalls) calls in flight",
                details: StatusDetails(retryDelayMillis: 10, reason: "SERVER_BUSY")))
            return
        }
        var call = ActiveCall(start: start, method: method)
        if method.isServerStreaming {
            let credit = StreamCredit()
            credit.grant(peerSettings.initialWindow == 0 ? WireLimits.defaultInitialWindow : Int(peerSettings.initialWindow))
            call.credit = credit
        }
        if start.timeoutMicros > 0, let context {
            let micros = Int64(clamping: start.timeoutMicros)
            call.deadline = ContinuousClock.now.advanced(by: .microseconds(micros))
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            call.deadlineTimer = context.eventLoop.scheduleTask(in: .microseconds(micros)) {
                handler.value.deadlinePassed(id)
            }
        }
        calls[id] = call
        if frame.flags.contains(.endStream) {
            run(id, request: ByteBuffer())
        }
    }

    private static func validate(_ start: CallStart) -> RPCStatus? {
        if start.method.utf8.count > WireLimits.maxMethodNameLength {
            return RPCStatus(.invalidArgument, "method name longer than \(WireLimits.maxMethodNameLength) bytes")
        }
        for entry in start.metadata {
            guard entry.hasValidKey else {
                return RPCStatus(.invalidArgument, "metadata key '\(entry.key)' must be 1-128 characters of a-z 0-9 - _ .")
            }
            let binary = entry.key.hasSuffix("-bin")
            if binary ? !entry.value.isEmpty : !entry.binaryValue.isEmpty {
                return RPCStatus(.invalidArgument, "metadata key '\(entry.key)' carries the wrong kind of value")
            }
        }
        return nil
    }

    private func messageReceived(_ frame: Frame) {
        let id = frame.callID
        guard let call = calls[id] else {
            if id > highestCallID { connectionError(.internal, "MESSAGE for call \(id), which was never started") }
            return  // a call that already ended: late frames are expected
        }
        guard !call.requestReceived else {
            finish(id, .failure(RPCStatus(.invalidArgument, "a call takes exactly one request message")))
            return
        }
        var request = frame.payload
        if frame.flags.contains(.compressed) {
            do {
                request = try MessageCompression.decompress(
                    request, limits: MessageCompression.Limits(maxDecompressedBytes: limits.maxMessageSize))
            } catch {
                finish(id, .failure(error))
                return
            }
        }
        run(id, request: request)
    }

    private func cancelReceived(_ frame: Frame) {
        guard let call = removeCall(frame.callID) else { return }
        call.task?.cancel()
    }

    private func pingReceived(_ frame: Frame) {
        guard frame.callID == 0, frame.payload.readableBytes == 8 else {
            connectionError(.internal, "PING must carry 8 bytes on call 0")
            return
        }
        if !frame.flags.contains(.ack) {
            send(Frame(type: .ping, flags: .ack, callID: 0, payload: frame.payload))
        }
    }

    /// The client consumed streamed messages: more credit for that call.
    private func windowUpdateReceived(_ frame: Frame) {
        guard frame.callID != 0 else {
            connectionError(.internal, "WINDOW_UPDATE needs a call id")
            return
        }
        guard let update = try? frame.decodePayload(as: WindowUpdate.self), update.increment > 0 else {
            connectionError(.internal, "WINDOW_UPDATE must carry an increment above 0")
            return
        }
        guard var call = calls[frame.callID] else {
            if frame.callID > highestCallID { connectionError(.internal, "WINDOW_UPDATE for call \(frame.callID), which was never started") }
            return
        }
        // Unary responses are not flow-controlled: nothing to grant.
        guard let credit = call.credit else { return }
        guard credit.available + Int(update.increment) <= Int(Int32.max) else {
            connectionError(.internal, "WINDOW_UPDATE takes call \(frame.callID)'s credit past 2^31-1")
            return
        }
        credit.grant(Int(update.increment))
        var sentAny = false
        while !call.waitingSends.isEmpty, credit.take() {
            let waiting = call.waitingSends.removeFirst()
            sendMessage(frame.callID, waiting.message, compressed: waiting.compressed)
            waiting.sent.succeed()
            sentAny = true
        }
        calls[frame.callID] = call
        if sentAny { scheduleFlush() }
    }

    // MARK: Running calls

    private func run(_ id: UInt32, request: ByteBuffer) {
        guard let context, var call = calls[id] else { return }
        call.requestReceived = true
        let callContext = ServerCallContext(
            method: call.start.method, metadata: call.start.metadata, deadline: call.deadline, peer: peer,
            logger: environment.logger, connectionTag: connectionTag, callID: id)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let interceptors = environment.interceptors
        let compressAbove = peerAcceptsZlib ? limits.compressResponsesAbove : nil
        let executor = self.executor
        switch call.method.handler {
        case .unary(let handle):
            call.task = Task(executorPreference: executor) {
                let answer = await CallAnswering.answer(callContext, interceptors, compressAbove) {
                    try await handle(request, $0)
                }
                if loop.inEventLoop {
                    handler.value.finish(id, answer.outcome, compressed: answer.compressed, context: callContext)
                } else {
                    loop.execute { handler.value.finish(id, answer.outcome, compressed: answer.compressed, context: callContext) }
                }
            }
        case .serverStreaming(let handle):
            let credit = call.credit ?? StreamCredit()
            let writer = ResponseStreamWriter { message in
                try Task.checkCancellation()
                var outgoing = message
                let compressed = CallAnswering.compressIfLarge(&outgoing, above: compressAbove)
                let ready = outgoing
                if credit.take() {
                    // Sends do not overlap, so nothing is parked ahead of this one.
                    if loop.inEventLoop {
                        handler.value.streamSendWithCredit(id, ready, compressed: compressed)
                    } else {
                        loop.execute { handler.value.streamSendWithCredit(id, ready, compressed: compressed) }
                    }
                } else {
                    try await loop.flatSubmit { handler.value.streamSend(id, ready, compressed: compressed, loop: loop) }.get()
                }
            }
            call.task = Task(executorPreference: executor) {
                let answer = await CallAnswering.answer(callContext, interceptors, nil) {
                    try await handle(request, $0, writer)
                    return ByteBuffer()
                }
                if loop.inEventLoop {
                    handler.value.finish(id, answer.outcome, context: callContext)
                } else {
                    loop.execute { handler.value.finish(id, answer.outcome, context: callContext) }
                }
            }
        }
        calls[id] = call
    }

    /// Queues one streamed message the handler's task already took credit for.
    private func streamSendWithCredit(_ id: UInt32, _ message: ByteBuffer, compressed: Bool) {
        guard calls[id] != nil else { return }  // the call ended meanwhile
        sendMessage(id, message, compressed: compressed)
        scheduleFlush()
    }

    /// Queues one streamed message, or parks it until the client grants credit.
    private func streamSend(_ id: UInt32, _ message: ByteBuffer, compressed: Bool, loop: any EventLoop) -> EventLoopFuture<Void> {
        guard var call = calls[id] else { return loop.makeFailedFuture(CancellationError()) }
        if call.waitingSends.isEmpty && call.credit?.take() == true {
            sendMessage(id, message, compressed: compressed)
            scheduleFlush()
            return loop.makeSucceededVoidFuture()
        }
        let sent = loop.makePromise(of: Void.self)
        call.waitingSends.append((message, compressed, sent))
        calls[id] = call
        return sent.futureResult
    }

    private func deadlinePassed(_ id: UInt32) {
        guard let call = calls[id] else { return }
        call.task?.cancel()
        finish(id, .failure(RPCStatus(.deadlineExceeded, "the deadline passed before the call finished")))
    }

    /// Answers a call once: the response (if any: streaming calls have sent
    /// theirs) and its CALL_END.
    private func finish(_ id: UInt32, _ outcome: Result<ByteBuffer, RPCStatus>, compressed: Bool = false, context callContext: ServerCallContext? = nil) {
        guard let call = removeCall(id) else { return }
        switch outcome {
        case .success(let response):
            if !call.method.isServerStreaming { sendMessage(id, response, compressed: compressed) }
            endCall(id, .ok, trailers: callContext.flatMap { $0.requestIDFromClient ? Self.requestIDTrailer($0) : nil } ?? [])
        case .failure(let status):
            endCall(id, status, trailers: callContext.map(Self.requestIDTrailer) ?? [])
        }
        if phase == .draining && calls.isEmpty {
            flushOutput()
            close()
        } else if calls.isEmpty {
            // Nothing else in flight could join this write: send it now.
            flushOutput()
        } else {
            scheduleFlush()
        }
    }

    /// The request id goes back when the client chose it or the call failed,
    /// so a failure can be found in the server's log.
    private static func requestIDTrailer(_ context: ServerCallContext) -> [MetadataEntry] {
        [MetadataEntry(key: "request-id", value: context.requestID)]
    }

    private func sendMessage(_ id: UInt32, _ message: ByteBuffer, compressed: Bool) {
        send(Frame(type: .message, flags: compressed ? .compressed : [], callID: id, payload: message))
    }

    private func endCall(_ id: UInt32, _ status: RPCStatus, trailers: [MetadataEntry] = []) {
        if trailers.isEmpty && status == .ok {
            // Every field at its default: the payload is empty, no encoder needed.
            send(Frame(type: .callEnd, callID: id))
            return
        }
        send(try! Frame.control(.callEnd, callID: id, CallEnd(status: status, trailers: trailers)))
    }

    /// Forgets a call: stops its timer and gives back its server-wide slot.
    private func removeCall(_ id: UInt32) -> ActiveCall? {
        guard let call = calls.removeValue(forKey: id) else { return nil }
        call.deadlineTimer?.cancel()
        for waiting in call.waitingSends { waiting.sent.fail(CancellationError()) }
        environment.load.releaseCall()
        return call
    }

    private func abandonAllCalls() {
        for id in Array(calls.keys) {
            removeCall(id)?.task?.cancel()
        }
    }

    // MARK: Output

    private func send(_ frame: Frame) {
        frame.write(to: &output)
    }

    /// Flushes after whatever else is queued on the event loop, so answers
    /// that complete together leave in one write.
    private func scheduleFlush() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute { handler.value.flushOutput() }
    }

    private func flushOutput() {
        flushScheduled = false
        guard let context, output.readableBytes > 0 else { return }
        let chunk = output
        output = context.channel.allocator.buffer(capacity: 4096)
        context.writeAndFlush(wrapOutboundOut(chunk), promise: nil)
    }

    private func connectionError(_ code: StatusCode, _ reason: String) {
        send(try! Frame.control(.goAway, GoAway(lastCallID: highestCallID, code: code, reason: reason)))
        flushOutput()
        close()
    }

    private func close() {
        phase = .closed
        abandonAllCalls()
        context?.close(promise: nil)
    }
}

/// What runs in a call's task, away from the event loop.
enum CallAnswering {
    struct Answer: Sendable {
        let outcome: Result<ByteBuffer, RPCStatus>
        let compressed: Bool
    }

    /// Runs a handler inside the interceptors; its response (compressed if
    /// large), or the status its error ends the call with.
    static func answer(
        _ context: ServerCallContext, _ interceptors: [any ServerInterceptor], _ compressAbove: Int?,
        _ body: (ServerCallContext) async throws -> ByteBuffer
    ) async -> Answer {
        do {
            var response = interceptors.isEmpty ? try await body(context) : try await interceptors.run(context, body)
            let compressed = compressIfLarge(&response, above: compressAbove)
            return Answer(outcome: .success(response), compressed: compressed)
        } catch {
            return Answer(outcome: .failure(status(for: error, context)), compressed: false)
        }
    }

    /// The status a handler's error ends the call with. Unexpected errors
    /// leave as a bare INTERNAL (no internals on the wire) and are logged here.
    static func status(for error: any Error, _ context: ServerCallContext) -> RPCStatus {
        switch error {
        case let status as RPCStatus:
            return status
        case is CancellationError:
            return RPCStatus(.cancelled, "the call was cancelled")
        default:
            context.logger.error("handler failed; answered INTERNAL", metadata: ["error": "\(String(reflecting: error))"])
            return RPCStatus(.internal, "internal error")
        }
    }

    /// Compresses a response in place when the client inflates zlib and it
    /// is at least `threshold` bytes, compression makes it smaller, and the
    /// receiver's inflation bound (PROTOCOL.md §3) lets it through.
    static func compressIfLarge(_ message: inout ByteBuffer, above threshold: Int?) -> Bool {
        guard let threshold, message.readableBytes >= threshold,
              let compressed = try? MessageCompression.compress(message),
              compressed.readableBytes < message.readableBytes,
              // The receiver refuses to inflate past this ratio (zip bombs): send such a message as it is.
              message.readableBytes <= MessageCompression.Limits().cap(forCompressedSize: compressed.readableBytes)
        else { return false }
        message = compressed
        return true
    }

}

/// A streaming call's flow-control credit: granted on the event loop
/// (WINDOW_UPDATE), taken by whoever sends.
final class StreamCredit: Sendable {
    private let messages = Atomic<Int>(0)

    func grant(_ count: Int) { messages.add(count, ordering: .relaxed) }

    /// Takes one message's credit if there is any.
    func take() -> Bool {
        var current = messages.load(ordering: .relaxed)
        while current > 0 {
            let (exchanged, original) = messages.compareExchange(expected: current, desired: current - 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    var available: Int { messages.load(ordering: .relaxed) }
}

/// Why a connection is answered with GOAWAY and closed as soon as it opens.
struct ConnectionRefusal: Sendable {
    let code: StatusCode
    let reason: String
}

import NIOCore
import BizingWire

/// One client connection: the protocol's state machine on the event loop.
///
/// Frames arrive decoded by `FrameDecoder`; each call runs its handler in a
/// task and hops back here to answer. Outgoing frames are gathered in one
/// buffer and flushed once per read burst or completion burst, so a busy
/// connection makes few syscalls.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WireInbound
    typealias OutboundOut = ByteBuffer

    private enum Phase { case awaitingPreface, awaitingSettings, open, draining, closed }

    private struct ActiveCall {
        var start: CallStart
        var method: UnaryMethod
        var deadline: ContinuousClock.Instant?
        var requestReceived = false
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?
    }

    private let registry: MethodRegistry
    private let limits: ServerLimits
    private let load: ServerLoad
    /// Set when the server is full: the connection is answered with GOAWAY.
    private let refusal: String?
    private var phase = Phase.awaitingPreface
    private var calls: [UInt32: ActiveCall] = [:]
    private var highestCallID: UInt32 = 0
    private var peerSettings = Settings()
    private var context: ChannelHandlerContext?
    private var output = ByteBuffer()
    private var flushScheduled = false

    init(registry: MethodRegistry, limits: ServerLimits, load: ServerLoad, refusal: String? = nil) {
        self.registry = registry
        self.limits = limits
        self.load = load
        self.refusal = refusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
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
        switch unwrapInboundIn(data) {
        case .preface(let preface):
            ConnectionPreface().write(to: &output)
            if let refusal {
                connectionError(.resourceExhausted, refusal)
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
        case .settings: connectionError(.internal, "SETTINGS may only be sent once")
        case .goAway, .windowUpdate, .callEnd:
            // Clients only ever receive CALL_END; GOAWAY from a client means it
            // will start no more calls; requests are single messages, so there
            // is no credit for the server to track.
            if frame.type != .goAway && frame.callID == 0 && frame.type != .callEnd {
                connectionError(.internal, "\(frame.type) needs a call id")
            }
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
            start = try frame.decodePayload(as: CallStart.self)
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
        guard let method = registry[start.method] else {
            endCall(id, RPCStatus(.unimplemented, "unknown method \(start.method)"))
            return
        }
        guard load.acquireCall(limit: limits.maxConcurrentCalls) else {
            endCall(id, RPCStatus(
                .resourceExhausted, "the server has \(limits.maxConcurrentCalls) calls in flight",
                details: StatusDetails(retryDelayMillis: 10, reason: "SERVER_BUSY")))
            return
        }
        var call = ActiveCall(start: start, method: method)
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

    // MARK: Running calls

    private func run(_ id: UInt32, request: ByteBuffer) {
        guard let context, var call = calls[id] else { return }
        call.requestReceived = true
        let callContext = ServerCallContext(method: call.start.method, metadata: call.start.metadata, deadline: call.deadline)
        let method = call.method
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        call.task = Task {
            let outcome: Result<ByteBuffer, RPCStatus>
            do {
                outcome = .success(try await method.handle(request, callContext))
            } catch let status as RPCStatus {
                outcome = .failure(status)
            } catch is CancellationError {
                outcome = .failure(RPCStatus(.cancelled, "the call was cancelled"))
            } catch {
                // Unexpected errors leave as a bare INTERNAL: no internals on the wire.
                outcome = .failure(RPCStatus(.internal, "internal error"))
            }
            loop.execute { handler.value.finish(id, outcome) }
        }
        calls[id] = call
    }

    private func deadlinePassed(_ id: UInt32) {
        guard let call = calls[id] else { return }
        call.task?.cancel()
        finish(id, .failure(RPCStatus(.deadlineExceeded, "the deadline passed before the call finished")))
    }

    /// Answers a call once: the response (if any) and its CALL_END.
    private func finish(_ id: UInt32, _ outcome: Result<ByteBuffer, RPCStatus>) {
        guard removeCall(id) != nil else { return }
        switch outcome {
        case .success(let response):
            send(Frame(type: .message, callID: id, payload: response))
            endCall(id, .ok)
        case .failure(let status):
            endCall(id, status)
        }
        if phase == .draining && calls.isEmpty {
            flushOutput()
            close()
        } else {
            scheduleFlush()
        }
    }

    private func endCall(_ id: UInt32, _ status: RPCStatus) {
        send(try! Frame.control(.callEnd, callID: id, CallEnd(status: status)))
    }

    /// Forgets a call: stops its timer and gives back its server-wide slot.
    private func removeCall(_ id: UInt32) -> ActiveCall? {
        guard let call = calls.removeValue(forKey: id) else { return nil }
        call.deadlineTimer?.cancel()
        load.releaseCall()
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

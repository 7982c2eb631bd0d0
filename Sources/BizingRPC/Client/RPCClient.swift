public import NIOCore
public import NIOPosix
public import BizingWire
import Synchronization

/// A connection to a Bizing server that many tasks share: calls are
/// multiplexed over it and answered in any order. If the server goes away
/// (a restart), calls in flight fail with UNAVAILABLE and the next call
/// connects again.
public final class RPCClient: Sendable {
    private enum Connection {
        case connected(LiveConnection)
        case connecting(EventLoopFuture<LiveConnection>)
        case disconnected
        case closed
    }

    private let socketPath: String
    /// Every connection (the first and any reconnection) lives on this loop.
    private let group: any EventLoop
    private let connection: Mutex<Connection>
    private let tokens = Atomic<UInt64>(1)
    private let lastClose: LastClose
    /// The connection's event loop as a task executor. A task that makes many
    /// calls runs cheapest here (`Task(executorPreference: client.executor)`
    /// or `withTaskExecutorPreference`): its calls then start and resume
    /// without a thread hop. Such a task must not block.
    public let executor: EventLoopTaskExecutor

    private init(socketPath: String, loop: any EventLoop, channel: LiveConnection, lastClose: LastClose) {
        self.socketPath = socketPath
        self.group = loop
        self.connection = Mutex(.connected(channel))
        self.lastClose = lastClose
        self.executor = EventLoopTaskExecutor(loop)
    }

    /// Connects to `socketPath`; by default the embedded default's socket
    /// (`$BIZING_SOCKET`, else `$BIZING_HOME/bizing.sock`, else `~/.bizing/bizing.sock`).
    public static func connect(
        socketPath: String = DefaultLocations.socketPath, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RPCClient {
        let lastClose = LastClose()
        let loop = group.next()
        let channel = try await open(socketPath: socketPath, group: loop, lastClose: lastClose).get()
        return RPCClient(socketPath: socketPath, loop: loop, channel: channel, lastClose: lastClose)
    }

    private static func open(socketPath: String, group: any EventLoopGroup, lastClose: LastClose) -> EventLoopFuture<LiveConnection> {
        // The handler is kept from the initializer rather than looked up in
        // the pipeline after connecting: a server that refuses the peer
        // closes at once, and a closed channel's pipeline has no handlers left.
        let slot = HandlerSlot()
        return ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientConnectionHandler(lastClose: lastClose)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    slot.handler = handler
                }
            }
            .connect(unixDomainSocketPath: socketPath)
            .flatMap { channel in
                channel.eventLoop.submit {
                    LiveConnection(channel: channel, handler: NIOLoopBound(slot.handler!, eventLoop: channel.eventLoop))
                }
            }
    }

    /// The live connection, connecting again (once, for all callers) if the
    /// last one closed.
    private func currentChannel() async throws -> LiveConnection {
        let future: EventLoopFuture<LiveConnection> = try connection.withLock { state in
            switch state {
            case .connected(let live) where live.channel.isActive:
                return live.channel.eventLoop.makeSucceededFuture(live)
            case .connecting(let future):
                return future
            case .closed:
                throw RPCStatus(.unavailable, "the client was closed")
            case .connected, .disconnected:
                let future = Self.open(socketPath: socketPath, group: group, lastClose: lastClose)
                state = .connecting(future)
                return future
            }
        }
        do {
            let channel = try await future.get()
            connection.withLock { state in
                if case .connecting(let pending) = state, pending === future { state = .connected(channel) }
            }
            return channel
        } catch {
            connection.withLock { state in
                if case .connecting(let pending) = state, pending === future { state = .disconnected }
            }
            throw RPCStatus(.unavailable, "cannot connect to \(socketPath): \(error)")
        }
    }

    /// Calls a unary method with an encoded request; returns the encoded
    /// response or throws the call's `RPCStatus`.
    public func unary(
        _ method: String, request: ByteBuffer, metadata: [MetadataEntry] = [], timeout: Duration? = nil
    ) async throws -> ByteBuffer {
        let live = try await currentChannel()
        let loop = live.channel.eventLoop
        let token = tokens.wrappingAdd(1, ordering: .relaxed).oldValue
        let micros = timeout.map { UInt64(clamping: $0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000) } ?? 0
        let start = CallStart(method: method, metadata: metadata, timeoutMicros: micros)
        // The server enforces the deadline too; this covers a server that cannot answer.
        let timer = micros == 0 ? nil : loop.scheduleTask(in: .microseconds(Int64(clamping: micros))) {
            live.send(.abandon(token: token, RPCStatus(.deadlineExceeded, "the deadline passed before the call finished")))
        }
        // Answered calls drop their timer, so long timeouts do not pile up.
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            // The connection handler resumes the continuation exactly once:
            // it forgets a call (pending or queued) before answering it.
            try await withUnsafeThrowingContinuation { continuation in
                live.send(.start(token: token, start, request: request, sink: .unary(continuation)))
                // Cancelled before the start reached the handler: abandon it behind the start.
                if Task.isCancelled { live.send(.abandon(token: token, RPCStatus(.cancelled, "the call was cancelled"))) }
            }
        } onCancel: {
            live.send(.abandon(token: token, RPCStatus(.cancelled, "the call was cancelled")))
        }
    }

    /// Calls a server-streaming method with an encoded request. The call
    /// starts at once; the responses arrive through the returned sequence,
    /// which ends when the call ends (throwing its `RPCStatus` if it failed).
    /// The server sends only as many messages ahead as the client has
    /// granted credit for, and credit is granted as the sequence is read,
    /// so a slow reader holds at most a window of messages in memory.
    /// Dropping the sequence (or cancelling the reading task) cancels the call.
    public func serverStreaming(
        _ method: String, request: ByteBuffer, metadata: [MetadataEntry] = [], timeout: Duration? = nil
    ) async throws -> RawResponseStream {
        let live = try await currentChannel()
        let token = tokens.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let micros = timeout.map { UInt64(clamping: $0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000) } ?? 0
        let start = CallStart(method: method, metadata: metadata, timeoutMicros: micros)
        live.send(.start(token: token, start, request: request, sink: .stream(continuation)))
        let timer = micros == 0 ? nil : live.channel.eventLoop.scheduleTask(in: .microseconds(Int64(clamping: micros))) {
            live.send(.abandon(token: token, RPCStatus(.deadlineExceeded, "the deadline passed before the call finished")))
        }
        continuation.onTermination = { termination in
            timer?.cancel()
            if case .cancelled = termination {
                live.send(.abandon(token: token, RPCStatus(.cancelled, "the call was cancelled")))
            }
        }
        return RawResponseStream(stream: stream, connection: live, token: token)
    }

    /// Calls a server-streaming method with typed messages.
    public func serverStreaming<Request: Encodable, Response: Decodable & Sendable>(
        _ method: String, _ request: Request, as: Response.Type = Response.self,
        metadata: [MetadataEntry] = [], timeout: Duration? = nil
    ) async throws -> ResponseStream<Response> {
        var buffer = ByteBuffer()
        try ProtobufEncoder().encode(request, into: &buffer)
        return ResponseStream(try await serverStreaming(method, request: buffer, metadata: metadata, timeout: timeout))
    }

    /// Calls a unary method with typed messages.
    public func unary<Request: Encodable, Response: Decodable>(
        _ method: String, _ request: Request, as: Response.Type = Response.self,
        metadata: [MetadataEntry] = [], timeout: Duration? = nil
    ) async throws -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        try ProtobufEncoder().encode(request, into: &buffer)
        let response = try await unary(method, request: buffer, metadata: metadata, timeout: timeout)
        do {
            return try ProtobufDecoder().decode(Response.self, from: response)
        } catch {
            throw RPCStatus(.internal, "the response could not be decoded: \(error)")
        }
    }

    public func close() async throws {
        let state = connection.withLock { state in
            defer { state = .closed }
            return state
        }
        switch state {
        case .connected(let live): try? await live.channel.close()
        case .connecting(let future): try? await future.get().channel.close()
        case .disconnected, .closed: break
        }
    }
}

/// Carries a new connection's handler from the channel initializer to the
/// connect future; both run on the channel's event loop, one after the other.
private final class HandlerSlot: @unchecked Sendable {
    var handler: ClientConnectionHandler?
}

/// Why the client's last connection closed (a GOAWAY's reason, say), for
/// calls whose write finds the connection already gone.
final class LastClose: Sendable {
    private let reason = Mutex<RPCStatus?>(nil)

    var status: RPCStatus {
        get { reason.withLock { $0 } ?? RPCStatus(.unavailable, "the connection is closed") }
        set { reason.withLock { $0 = newValue } }
    }
}

/// A connection and its handler: calls reach the handler by a direct call on
/// its loop (at once when the caller is already there), not through the
/// channel pipeline, which would box and route every command.
struct LiveConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<ClientConnectionHandler>

    func send(_ command: ClientCommand) {
        if channel.eventLoop.inEventLoop {
            handler.value.handle(command)
        } else {
            channel.eventLoop.execute { handler.value.handle(command) }
        }
    }
}

enum ClientCommand: Sendable {
    case start(token: UInt64, CallStart, request: ByteBuffer, sink: ResponseSink)
    /// Gives up on a call (deadline or task cancellation): fails it locally
    /// and tells the server with CANCEL.
    case abandon(token: UInt64, RPCStatus)
    /// The reader of a streaming call consumed this many messages: grant the
    /// server as much more credit.
    case grant(token: UInt64, increment: UInt32)
}

/// Where a call's responses go.
enum ResponseSink: Sendable {
    case unary(UnsafeContinuation<ByteBuffer, any Error>)
    case stream(AsyncThrowingStream<ByteBuffer, any Error>.Continuation)

    func fail(_ status: RPCStatus) {
        switch self {
        case .unary(let continuation): continuation.resume(throwing: status)
        case .stream(let continuation): continuation.finish(throwing: status)
        }
    }
}

/// The client side of one connection, on its event loop.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct PendingCall {
        let token: UInt64
        let sink: ResponseSink
        var response: ByteBuffer?
        /// Streaming: messages the server may still send before it needs a grant.
        var credit = ClientConnectionHandler.responseWindow
    }

    private struct QueuedCall {
        let token: UInt64
        let start: CallStart
        let request: ByteBuffer
        let sink: ResponseSink
    }

    /// Messages the server may send ahead on one streaming call (announced in SETTINGS).
    static let responseWindow = WireLimits.defaultInitialWindow
    /// Responses are inflated to at most this (the server's compressed responses).
    private static let decompressionLimits = MessageCompression.Limits(maxDecompressedBytes: WireLimits.defaultMaxDecompressedSize)

    private var nextCallID: UInt32 = 1
    private var pending: [UInt32: PendingCall] = [:]
    private var callIDs: [UInt64: UInt32] = [:]
    /// Calls beyond what the server accepts at once wait here, in order: the
    /// server's SETTINGS say how many it runs per connection.
    private var queue: [QueuedCall] = []
    private var queueHead = 0
    private var maxInFlight = 100
    /// Calls wait for the server's SETTINGS, which say how many it accepts
    /// at once (one round trip on a fresh connection).
    private var serverSettingsReceived = false
    private var closedStatus: RPCStatus?
    private let lastClose: LastClose

    init(lastClose: LastClose) {
        self.lastClose = lastClose
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        ConnectionPreface().write(to: &buffer)
        try! Frame.control(.settings, Settings(initialWindow: UInt32(Self.responseWindow), acceptCompression: ["zlib"])).write(to: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.fireChannelActive()
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// A command from a caller, on the loop.
    func handle(_ command: ClientCommand) {
        switch command {
        case .start(let token, let start, let request, let sink):
            guard let context, closedStatus == nil else {
                sink.fail(closedStatus ?? lastClose.status)
                return
            }
            queue.append(QueuedCall(token: token, start: start, request: request, sink: sink))
            startQueuedCalls(context: context, flush: false)
            if pending.count == 1 && !flushScheduled {
                // The only call in flight: nothing is likely to join its write.
                context.flush()
            } else {
                scheduleFlush(context: context)
            }
        case .abandon(let token, let status):
            guard let id = callIDs[token], pending[id] != nil else {
                // Still queued: it never reached the server.
                if let index = queue[queueHead...].firstIndex(where: { $0.token == token }) {
                    queue[index].sink.fail(status)
                    queue.remove(at: index)
                }
                return
            }
            fail(id, status)
            guard let context else { return }
            var buffer = context.channel.allocator.buffer(capacity: 16)
            Frame(type: .cancel, callID: id).write(to: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .grant(let token, let increment):
            guard let context, let id = callIDs[token], pending[id] != nil else { return }
            pending[id]!.credit += Int(increment)
            var buffer = context.channel.allocator.buffer(capacity: 16)
            try! Frame.control(.windowUpdate, callID: id, WindowUpdate(increment: increment)).write(to: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private var flushScheduled = false

    /// Flushes after whatever else is queued on the event loop, so calls
    /// started together leave in one write.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            handler.value.flushScheduled = false
            boundContext.value.flush()
        }
    }

    /// Sends queued calls while the server has room for them.
    private func startQueuedCalls(context: ChannelHandlerContext, flush: Bool) {
        var sent = false
        while serverSettingsReceived && queueHead < queue.count && pending.count < maxInFlight {
            let call = queue[queueHead]
            queueHead += 1
            let id = nextCallID
            nextCallID &+= 1
            var buffer = context.channel.allocator.buffer(capacity: call.request.readableBytes + 128)
            call.start.writeFrame(callID: id, to: &buffer)
            pending[id] = PendingCall(token: call.token, sink: call.sink)
            callIDs[call.token] = id
            Frame(type: .message, flags: .endStream, callID: id, payload: call.request).write(to: &buffer)
            context.write(wrapOutboundOut(buffer), promise: nil)
            sent = true
        }
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        if sent && flush { context.flush() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        startQueuedCalls(context: context, flush: true)
        context.fireChannelReadComplete()
    }

    private var frames = FrameReassembler()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        frames.append(unwrapInboundIn(data))
        do {
            while let inbound = try frames.next() {
                if case .frame(let frame) = inbound { process(frame, context: context) }
            }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    private func process(_ frame: Frame, context: ChannelHandlerContext) {
        switch frame.type {
        case .settings:
            if let settings = try? frame.decodePayload(as: Settings.self), settings.maxConcurrentCalls > 0 {
                maxInFlight = Int(settings.maxConcurrentCalls)
            }
            serverSettingsReceived = true
        case .message:
            messageReceived(frame, context: context)
        case .callEnd:
            guard let call = pending.removeValue(forKey: frame.callID) else { return }
            callIDs[call.token] = nil
            let end: CallEnd
            do {
                // An OK end with nothing else is an empty payload: no decoder needed.
                end = frame.payload.readableBytes == 0 ? CallEnd(status: .ok) : try frame.decodePayload(as: CallEnd.self)
            } catch {
                call.sink.fail(RPCStatus(.internal, "malformed CALL_END: \(error)"))
                return
            }
            switch call.sink {
            case .unary(let continuation) where end.status.code == .ok:
                continuation.resume(returning: call.response ?? ByteBuffer())
            case .stream(let continuation) where end.status.code == .ok:
                continuation.finish()
            default:
                call.sink.fail(end.status)
            }
        case .ping where !frame.flags.contains(.ack):
            var buffer = context.channel.allocator.buffer(capacity: 18)
            Frame(type: .ping, flags: .ack, callID: 0, payload: frame.payload).write(to: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .goAway:
            let goAway = try? frame.decodePayload(as: GoAway.self)
            // A refusal of this client (PERMISSION_DENIED) keeps its code; anything
            // else means "try again later or elsewhere".
            let status = goAway?.code == .permissionDenied
                ? RPCStatus(.permissionDenied, goAway?.reason ?? "")
                : RPCStatus(.unavailable, "the server is going away: \(goAway?.reason ?? "no reason given")")
            closedStatus = status
            for id in pending.keys where id > (goAway?.lastCallID ?? 0) { fail(id, status) }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let status = closedStatus ?? RPCStatus(.unavailable, "the connection closed")
        closedStatus = status
        lastClose.status = status
        for id in Array(pending.keys) { fail(id, status) }
        for call in queue[queueHead...] { call.sink.fail(status) }
        queue.removeAll()
        queueHead = 0
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closedStatus = RPCStatus(.unavailable, "connection error: \(error)")
        context.close(promise: nil)
    }

    private func messageReceived(_ frame: Frame, context: ChannelHandlerContext) {
        let id = frame.callID
        guard var call = pending[id] else { return }
        var message = frame.payload
        if frame.flags.contains(.compressed) {
            do {
                message = try MessageCompression.decompress(message, limits: Self.decompressionLimits)
            } catch {
                cancel(id, status: error, context: context)
                return
            }
        }
        switch call.sink {
        case .unary:
            call.response = message
            pending[id] = call
        case .stream(let continuation):
            guard call.credit > 0 else {
                cancel(id, status: RPCStatus(.internal, "the server sent past its flow-control credit"), context: context)
                return
            }
            call.credit -= 1
            pending[id] = call
            continuation.yield(message)
        }
    }

    /// Ends a call the server is misbehaving on: fails it here, CANCEL there.
    private func cancel(_ id: UInt32, status: RPCStatus, context: ChannelHandlerContext) {
        fail(id, status)
        var buffer = context.channel.allocator.buffer(capacity: 16)
        Frame(type: .cancel, callID: id).write(to: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func fail(_ id: UInt32, _ status: RPCStatus) {
        guard let call = pending.removeValue(forKey: id) else { return }
        callIDs[call.token] = nil
        call.sink.fail(status)
    }
}

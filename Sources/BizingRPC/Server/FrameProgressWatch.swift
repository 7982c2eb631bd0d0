import NIOCore
import BizingWire
import Logging

/// The half-frame read timeout: closes a connection that stops inside its
/// preface or inside a frame for longer than `timeout`.
///
/// It sits in front of the `FrameDecoder` and follows frame boundaries on the
/// raw bytes (the 8-byte preface, then 10-byte headers whose first four bytes
/// are the big-endian payload length), passing every buffer on unchanged: it
/// reads a few header bytes in place and copies nothing.
///
/// - A preface or frame must arrive whole within `timeout` of its first byte
///   (a trickle does not extend it). Reaching a boundary stops the clock.
/// - The preface is due from the moment the connection opens: a client that
///   connects and says nothing is closed after `timeout` too.
/// - A connection resting at a frame boundary is never closed by this watch,
///   however long it stays quiet: clients keep connections open between calls,
///   and calls in flight may take any time.
///
/// One timer per connection at most, and none while the connection is at a
/// boundary: when a read ends inside a frame the timer is armed once, and a
/// later frame reuses it (when it fires early it re-arms for the current
/// frame's due time), so busy connections do not churn timers.
final class FrameProgressWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Where the byte stream is.
    enum Position: Equatable {
        /// Inside the preface, this many bytes still to come.
        case preface(remaining: Int)
        /// Inside a frame header: `seen` of its 10 bytes so far (0: at a frame
        /// boundary), `length` built from the first four.
        case header(seen: Int, length: UInt32)
        /// Inside a frame payload, this many bytes still to come.
        case payload(remaining: Int)

        static let boundary = Position.header(seen: 0, length: 0)
    }

    private let timeout: TimeAmount
    private let logger: Logger
    private(set) var position = Position.preface(remaining: ConnectionPreface.size)
    /// When the unfinished preface or frame began; nil at a boundary.
    private var unitStarted: NIODeadline?
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { prefaceDue(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWatching()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        prefaceDue(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWatching()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let crossedBoundary = advance(over: unwrapInboundIn(data))
        if position == .boundary {
            unitStarted = nil
        } else if crossedBoundary || unitStarted == nil {
            unitStarted = context.eventLoop.now
            armTimer(context: context)
        }
        context.fireChannelRead(data)
    }

    /// Moves `position` over the buffer's readable bytes; returns whether a
    /// preface or frame was completed on the way.
    func advance(over buffer: ByteBuffer) -> Bool {
        var index = buffer.readerIndex
        let end = buffer.writerIndex
        var crossedBoundary = false
        /// Passes over up to `remaining` bytes of a preface or payload; returns how many are still to come.
        func skip(_ remaining: Int) -> Int {
            let take = min(remaining, end - index)
            index += take
            return remaining - take
        }
        while index < end {
            switch position {
            case .preface(let remaining):
                let left = skip(remaining)
                position = left == 0 ? .boundary : .preface(remaining: left)
                crossedBoundary = crossedBoundary || left == 0
            case .header(var seen, var length):
                if seen == 0, end - index >= Frame.headerSize {
                    // The usual case: the whole header is in this buffer.
                    length = buffer.getInteger(at: index, as: UInt32.self)!
                    index += Frame.headerSize
                    seen = Frame.headerSize
                } else {
                    while seen < Frame.headerSize && index < end {
                        if seen < 4 { length = length << 8 | UInt32(buffer.getInteger(at: index, as: UInt8.self)!) }
                        seen += 1
                        index += 1
                    }
                }
                if seen < Frame.headerSize {
                    position = .header(seen: seen, length: length)
                } else if length == 0 {
                    position = .boundary
                    crossedBoundary = true
                } else {
                    position = .payload(remaining: Int(length))
                }
            case .payload(let remaining):
                let left = skip(remaining)
                position = left == 0 ? .boundary : .payload(remaining: left)
                crossedBoundary = crossedBoundary || left == 0
            }
        }
        return crossedBoundary
    }

    private func prefaceDue(context: ChannelHandlerContext) {
        guard unitStarted == nil, position == .preface(remaining: ConnectionPreface.size) else { return }
        unitStarted = context.eventLoop.now
        armTimer(context: context)
    }

    private func armTimer(context: ChannelHandlerContext) {
        guard timer == nil, let started = unitStarted else { return }
        let watch = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: started + timeout) { watch.value.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let context, let started = unitStarted else { return }  // at a boundary: nothing to do
        if context.eventLoop.now < started + timeout {
            armTimer(context: context)  // a later frame than the one the timer was armed for
            return
        }
        let place = switch position {
        case .preface: "its preface"
        case .header: "a frame header"
        case .payload: "a frame payload"
        }
        logger.notice("read timeout: closing a connection that stopped inside \(place)", metadata: ["timeout": "\(timeout)"])
        stopWatching()
        context.close(promise: nil)
    }

    private func stopWatching() {
        timer?.cancel()
        timer = nil
        unitStarted = nil
    }
}

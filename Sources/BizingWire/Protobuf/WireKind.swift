#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the coder handles a Swift type, decided once per type.
enum WireEncodeKind {
    case scalar(any WireScalar.Type)
    case special(any WireSpecialEncodable.Type)
    case protobufEnum(any ProtobufEnum.Type)
    /// A message, or a custom type that picks its own container.
    case other
}

enum WireDecodeKind {
    case scalar(any WireScalar.Type)
    case special(any WireSpecialDecodable.Type)
    case protobufEnum(any ProtobufEnum.Type)
    case other
}

/// Per-thread, direct-mapped caches of per-type facts: how to encode and
/// decode a type, and a coding-key type's integer hints.
///
/// Each fact is a protocol-conformance lookup (`T.self as? any P.Type`),
/// which costs hundreds of instructions (more when the answer is no), and a
/// message asks one for every nested value and every container. A slot here
/// costs a shift, a mask and a compare, with no lock: each thread has its own.
final class WireTypeCache {
    private static let slots = 256

    private let encodeIDs = UnsafeMutablePointer<UInt>.allocate(capacity: slots)
    private let encodeKinds = UnsafeMutablePointer<WireEncodeKind>.allocate(capacity: slots)
    private let decodeIDs = UnsafeMutablePointer<UInt>.allocate(capacity: slots)
    private let decodeKinds = UnsafeMutablePointer<WireDecodeKind>.allocate(capacity: slots)
    private let hintIDs = UnsafeMutablePointer<UInt>.allocate(capacity: slots)
    private let hintTypes = UnsafeMutablePointer<(any ProtobufCodingKey.Type)?>.allocate(capacity: slots)

    private init() {
        encodeIDs.initialize(repeating: 0, count: Self.slots)
        encodeKinds.initialize(repeating: .other, count: Self.slots)
        decodeIDs.initialize(repeating: 0, count: Self.slots)
        decodeKinds.initialize(repeating: .other, count: Self.slots)
        hintIDs.initialize(repeating: 0, count: Self.slots)
        hintTypes.initialize(repeating: nil, count: Self.slots)
    }

    deinit {
        for pointer in [encodeIDs, decodeIDs, hintIDs] { pointer.deallocate() }
        encodeKinds.deinitialize(count: Self.slots).deallocate()
        decodeKinds.deinitialize(count: Self.slots).deallocate()
        hintTypes.deinitialize(count: Self.slots).deallocate()
    }

    /// Fibonacci hashing of the metadata address; each type may sit in its
    /// slot or the neighbour, so two colliding types do not evict each other.
    @inline(__always)
    private static func slot(_ id: UInt) -> Int { Int(truncatingIfNeeded: (UInt64(id) &* 0x9E37_79B9_7F4A_7C15) >> 56) }

    @inline(__always)
    private static func find(_ id: UInt, in ids: UnsafeMutablePointer<UInt>) -> (hit: Int?, free: Int) {
        let first = slot(id), second = first ^ 1
        if ids[first] == id { return (first, first) }
        if ids[second] == id { return (second, second) }
        return (nil, ids[first] == 0 ? first : second)
    }

    /// The cached value for `id`, computing and storing it on a miss.
    @inline(__always)
    private static func memo<Value>(
        _ id: UInt, _ ids: UnsafeMutablePointer<UInt>, _ values: UnsafeMutablePointer<Value>, _ compute: () -> Value
    ) -> Value {
        let (hit, slot) = find(id, in: ids)
        if let hit { return values[hit] }
        let value = compute()
        ids[slot] = id
        values[slot] = value
        return value
    }

    func encodeKind<T>(of type: T.Type) -> WireEncodeKind {
        Self.memo(UInt(bitPattern: ObjectIdentifier(T.self)), encodeIDs, encodeKinds) {
            if let scalar = T.self as? any WireScalar.Type { .scalar(scalar) }
            else if let special = T.self as? any WireSpecialEncodable.Type { .special(special) }
            else if let enumType = T.self as? any ProtobufEnum.Type { .protobufEnum(enumType) }
            else { .other }
        }
    }

    func decodeKind<T>(of type: T.Type) -> WireDecodeKind {
        Self.memo(UInt(bitPattern: ObjectIdentifier(T.self)), decodeIDs, decodeKinds) {
            if let scalar = T.self as? any WireScalar.Type { .scalar(scalar) }
            else if let special = T.self as? any WireSpecialDecodable.Type { .special(special) }
            else if let enumType = T.self as? any ProtobufEnum.Type { .protobufEnum(enumType) }
            else { .other }
        }
    }

    /// The integer hints of a coding-key type, or nil when it gives none.
    func keyEncodings<Key: CodingKey>(of type: Key.Type) -> (any ProtobufCodingKey.Type)? {
        Self.memo(UInt(bitPattern: ObjectIdentifier(Key.self)), hintIDs, hintTypes) {
            Key.self as? any ProtobufCodingKey.Type
        }
    }

    /// This thread's cache.
    static var current: WireTypeCache {
        if let existing = pthread_getspecific(threadKey) {
            return Unmanaged<WireTypeCache>.fromOpaque(existing).takeUnretainedValue()
        }
        let cache = WireTypeCache()
        pthread_setspecific(threadKey, Unmanaged.passRetained(cache).toOpaque())
        return cache
    }
}

/// Releases a thread's cache when the thread exits.
private let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        Unmanaged<WireTypeCache>.fromOpaque(pointer).release()
    }
    return key
}()

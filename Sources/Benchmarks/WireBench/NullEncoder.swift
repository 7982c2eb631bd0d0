/// An `Encoder` that walks a value through `Codable` and writes nothing: the
/// cost of `Codable`'s own dispatch (a container box per message, a
/// type-erased call per field), which no `Codable` coder can go below.
final class NullEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(encoder: self) }
    func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: NullEncoder
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode(_ value: Bool, forKey key: Key) throws { blackHole(key.intValue) }
        mutating func encode(_ value: String, forKey key: Key) throws { blackHole(key.intValue) }
        mutating func encode(_ value: Double, forKey key: Key) throws { blackHole(key.intValue) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { blackHole(key.intValue) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { blackHole(key.intValue) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try value.encode(to: encoder) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.container(keyedBy: NestedKey.self)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Unkeyed(encoder: encoder) }
        mutating func superEncoder() -> any Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: NullEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }
        mutating func encodeNil() throws {}
        mutating func encode(_ value: String) throws { blackHole(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: encoder) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.container(keyedBy: NestedKey.self)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
        mutating func superEncoder() -> any Encoder { encoder }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: NullEncoder
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws {}
        mutating func encode(_ value: Double) throws { blackHole(value) }
        mutating func encode(_ value: Int32) throws { blackHole(value) }
        // Single values are scalars here; recursing would loop through their
        // own `encode(to:)`.
        mutating func encode<T: Encodable>(_ value: T) throws { blackHole(value) }
    }
}

import Testing
import Foundation
@testable import BizingWire

struct Inner: Codable, Equatable { var name: String = ""; var n: Int32 = 0
  enum CodingKeys: Int, CodingKey { case name = 1, n = 2 } }
enum Color: ProtobufEnum { case red, green, other(Int32)
  init(protobufValue: Int32) { switch protobufValue { case 0: self = .red; case 1: self = .green; default: self = .other(protobufValue) } }
  var protobufValue: Int32 { switch self { case .red: 0; case .green: 1; case .other(let v): v } } }
struct Outer: Codable, Equatable {
  var id: String = ""; var count: Int64 = 0; var inner: Inner = Inner(); var list: [Inner] = []; var nums: [Int32] = []
  var opt: Int32? = nil; var when: Date? = nil; var color: Color = .red; var map: [String: Int32] = [:]; var tags: [String] = []
  enum CodingKeys: Int, CodingKey { case id = 1, count = 2, inner = 3, list = 4, nums = 5, opt = 6, when = 7, color = 8, map = 9, tags = 10 }
}
@Test func smoke() throws {
  let v = Outer(id: "abc", count: -5, inner: Inner(name: "x", n: 3), list: [Inner(name: "a", n: 1), Inner(name: String(repeating: "b", count: 200), n: 2)], nums: [1, -1, 300], opt: 0, when: Date(timeIntervalSince1970: 1_700_000_000.5), color: .other(7), map: ["a": 1, "b": 2], tags: ["t1", ""])
  let bytes = try ProtobufEncoder().encode(v)
  try Data(bytes).write(to: URL(fileURLWithPath: "/tmp/pt/out.bin"))
  let back = try ProtobufDecoder().decode(Outer.self, from: bytes)
  #expect(back == v)
}

import Crypto
import Foundation
import Testing
@testable import Identity

@Suite struct SecretTokenTests {
    @Test func rendersPrefixAndUnpaddedBase64URL() {
        var generator = SeededGenerator(seed: 3)
        let session = SecretToken.generate(.session, using: &generator)
        let service = SecretToken.generate(.service, using: &generator)
        #expect(session.rendered.hasPrefix("bzs_"))
        #expect(service.rendered.hasPrefix("bzt_"))
        for token in [session, service] {
            #expect(token.rendered.utf8.count == 47)
            #expect(token.rendered.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(token.bytes.count == 32)
        }
    }

    @Test func generationIsDrivenByTheInjectedGenerator() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        #expect(SecretToken.generate(.session, using: &a).rendered == SecretToken.generate(.session, using: &b).rendered)
        #expect(SecretToken.generate(.session).rendered != SecretToken.generate(.session).rendered)
    }

    @Test func parsesWhatItRenders() throws {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<200 {
            let token = SecretToken.generate(.service, using: &generator)
            let parsed = try #require(SecretToken(parsing: token.rendered))
            #expect(parsed.kind == .service && parsed.bytes == token.bytes)
            #expect(parsed.hash == token.hash)
            #expect(SecretToken(parsing: token.rendered, expecting: .service) != nil)
            #expect(SecretToken(parsing: token.rendered, expecting: .session) == nil)
        }
    }

    @Test func hashIsSHA256OfTheRawBytes() {
        let token = SecretToken(kind: .session, bytes: Array(0..<32))
        #expect(token.hash.bytes == Array(SHA256.hash(data: Array(UInt8(0)..<32))))
        #expect(token.hash.hex == hex(Array(SHA256.hash(data: Array(UInt8(0)..<32)))))
        #expect(TokenHash(bytes: token.hash.bytes) == token.hash)
        #expect(TokenHash(bytes: [1, 2, 3]) == nil)
    }

    @Test func neverPrintsTheSecret() {
        let token = SecretToken.generate(.session)
        let secret = String(token.rendered.dropFirst(4))
        for text in ["\(token)", String(describing: token), String(reflecting: token), "\(Mirror(reflecting: token).children.map { $0.value })"] {
            #expect(!text.contains(secret))
        }
        #expect("\(token)" == "bzs_…")
        #expect(!"\(token.hash)".contains(secret))
    }

    @Test(arguments: [
        "",
        "bzs_",
        "bzx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "BZS_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",    // 42 characters
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // 44
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",   // padding
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",   // standard alphabet
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",   // non-canonical last character
        " bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé",
    ])
    func rejectsMalformedTokens(_ text: String) {
        #expect(SecretToken(parsing: text) == nil)
    }

    @Test func acceptsTheCanonicalAllZeroToken() throws {
        let token = try #require(SecretToken(parsing: "bzs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        #expect(token.bytes == [UInt8](repeating: 0, count: 32))
    }
}

@Suite struct ConstantTimeAndBase64Tests {
    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), []))
        #expect(ConstantTime.equals(Data([9, 9]), [9, 9]))
    }

    @Test func base64MatchesFoundationForEveryLength() {
        var generator = SeededGenerator(seed: 11)
        for length in 0..<70 {
            let bytes = RandomBytes.make(count: length, using: &generator)
            let foundation = Data(bytes).base64EncodedString()
            let unpadded = String(foundation.prefix { $0 != "=" })
            #expect(Base64.encode(bytes, alphabet: .standard) == unpadded)
            let url = unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64.encode(bytes, alphabet: .url) == url)
            #expect(Base64.decode(Array(unpadded.utf8), alphabet: .standard) == bytes)
            #expect(Base64.decode(Array(url.utf8), alphabet: .url) == bytes)
        }
        #expect(Base64.decode(Array("A".utf8), alphabet: .url) == nil)
    }
}

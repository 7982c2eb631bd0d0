import ContextKit
import Foundation
import Synchronization
import Testing
@testable import Identity

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: fastParameters)

    @Test func defaultsMeetOWASP() {
        let defaults = PasswordHasher().parameters
        #expect(defaults == .default)
        #expect(defaults.logN >= 17)
        #expect(defaults.rounds >= 1 << 17)
        #expect(defaults.r >= 8)
        #expect(defaults.p >= 1)
        #expect(defaults.saltByteCount >= 16)
        #expect(defaults.outputByteCount >= 32)
        #expect(!defaults.isWeaker(than: .owaspMinimum))
        #expect(defaults.memoryBytes == 128 << 20)
    }

    /// The one real derivation at the default cost (128 MiB; ~0.5 s in a
    /// release build, several seconds in a debug one, where BoringSSL is
    /// compiled without optimization), so the production parameters are
    /// known to run through swift-crypto. Verification is covered at small N.
    @Test func realHashAtDefaultParameters() throws {
        let real = PasswordHasher()
        let started = ContinuousClock.now
        let cpuStarted = threadCPUTime()
        let stored = try real.hash(Password("correct horse battery staple"))
        let cpu = threadCPUTime() - cpuStarted
        let elapsed = ContinuousClock.now - started
        #expect(stored.encoded.hasPrefix("scrypt$ln=17,r=8,p=1$"))
        #expect(stored.salt.count == 16 && stored.derivedKey.count == 32)
        #expect(!real.needsRehash(stored))
        print("scrypt N=2^17 r=8 p=1: \(elapsed) wall, \(cpu) CPU per hash")
    }

    /// RFC 7914 section 12, third vector, through the same call the hasher makes.
    @Test func scryptMatchesRFC7914() throws {
        let parameters = try #require(ScryptParameters(logN: 14, r: 8, p: 1, saltByteCount: 16, outputByteCount: 64))
        let key = try PasswordHasher.scrypt(Array("pleaseletmein".utf8), Array("SodiumChloride".utf8), parameters)
        #expect(hex(key) == "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")
    }

    @Test func hashThenVerify() throws {
        var generator = SeededGenerator(seed: 1)
        let stored = try hasher.hash(Password("a long enough password"), using: &generator)
        #expect(hasher.verify(Password("a long enough password"), against: stored))
        #expect(!hasher.verify(Password("a long enough passworD"), against: stored))
        #expect(!hasher.verify(Password("a long enough password "), against: stored))
        #expect(!hasher.verify(Password(""), against: stored))
        #expect(hasher.verify(Password("a long enough password"), againstEncoded: stored.encoded))
    }

    @Test func saltsDifferSoHashesDiffer() throws {
        let a = try hasher.hash(Password("same password"))
        let b = try hasher.hash(Password("same password"))
        #expect(a.salt != b.salt)
        #expect(a.derivedKey != b.derivedKey)
        #expect(a.salt.count == 16 && a.derivedKey.count == 32)
    }

    @Test func verifiesWithTheStoredParametersNotTheCurrentOnes() throws {
        let old = PasswordHasher(parameters: try #require(ScryptParameters(logN: 3, r: 8, p: 1)))
        let stored = try old.hash(Password("an older password"))
        let current = PasswordHasher(parameters: fastParameters)
        #expect(current.verify(Password("an older password"), against: stored))
        #expect(current.needsRehash(stored))
        #expect(!old.needsRehash(stored))
        #expect(current.needsRehash(encoded: "garbage"))
    }

    @Test func needsRehashWhenAnyParameterIsLower() throws {
        let current = try #require(ScryptParameters(logN: 6, r: 8, p: 2))
        #expect(try #require(ScryptParameters(logN: 5, r: 8, p: 2)).isWeaker(than: current))
        #expect(try #require(ScryptParameters(logN: 6, r: 4, p: 2)).isWeaker(than: current))
        #expect(try #require(ScryptParameters(logN: 6, r: 8, p: 1)).isWeaker(than: current))
        #expect(try #require(ScryptParameters(logN: 6, r: 8, p: 2, outputByteCount: 16)).isWeaker(than: current))
        #expect(!(try #require(ScryptParameters(logN: 7, r: 8, p: 2))).isWeaker(than: current))
        #expect(!current.isWeaker(than: current))
    }

    @Test func unicodeFormsOfOnePasswordVerifyAlike() throws {
        // é precomposed vs e + combining acute; full-width letters vs ASCII (NFKC).
        let stored = try hasher.hash(Password("caf\u{E9} au lait"))
        #expect(hasher.verify(Password("cafe\u{301} au lait"), against: stored))
        let wide = try hasher.hash(Password("ｐａｓｓｗｏｒｄ９"))
        #expect(hasher.verify(Password("password9"), against: wide))
    }

    @Test func refusesToHashEmptyOrOverlongPasswords() {
        #expect(throws: ValidationFailure.self) { try hasher.hash(Password("")) }
        #expect(throws: ValidationFailure.self) { try hasher.hash(Password(String(repeating: "x", count: 1025))) }
        #expect(!hasher.verify(Password(String(repeating: "x", count: 1025)), againstEncoded: "scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
    }

    @Test func dummyVerificationNeverMatchesAndIsNeverFree() {
        #expect(!hasher.verifyAgainstDummy(Password("anything at all")))
        #expect(!hasher.verifyAgainstDummy(Password("")))
    }

    /// The unknown-email path does exactly the work of verifying a current
    /// hash: one derivation at the current parameters, of the same sizes.
    @Test func dummyVerificationCostsOneCurrentDerivation() throws {
        let calls = Mutex<[ScryptParameters]>([])
        let counting = PasswordHasher(parameters: fastParameters, maximumPasswordBytes: 1024) { password, salt, parameters in
            calls.withLock { $0.append(parameters) }
            #expect(salt.count == parameters.saltByteCount)
            return try PasswordHasher.scrypt(password, salt, parameters)
        }
        let stored = try counting.hash(Password("known user password"))
        calls.withLock { $0 = [] }

        _ = counting.verify(Password("wrong password"), against: stored)
        let verifying = calls.withLock { $0 }
        calls.withLock { $0 = [] }
        _ = counting.verifyAgainstDummy(Password("wrong password"))
        let dummy = calls.withLock { $0 }
        calls.withLock { $0 = [] }
        _ = counting.verify(Password(""), against: stored)
        let empty = calls.withLock { $0 }
        calls.withLock { $0 = [] }
        _ = counting.verify(Password("whatever"), againstEncoded: "not a hash")
        let malformed = calls.withLock { $0 }

        #expect(verifying == [fastParameters])
        #expect(dummy == [fastParameters])
        #expect(empty == [fastParameters])
        #expect(malformed == [fastParameters])
    }
}

@Suite struct PasswordHashEncodingTests {
    @Test func roundTripsThroughTheSelfDescribingForm() throws {
        var generator = SeededGenerator(seed: 9)
        let hasher = PasswordHasher(parameters: fastParameters)
        let stored = try hasher.hash(Password("round trip me"), using: &generator)
        let text = stored.encoded
        let parts = text.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts[0] == "scrypt" && parts[1] == "ln=4,r=8,p=1")
        #expect(parts[2].count == 22 && parts[3].count == 43)  // 16 and 32 bytes, unpadded
        let parsed = try #require(PasswordHash(encoded: text))
        #expect(parsed.parameters == stored.parameters)
        #expect(parsed.salt == stored.salt && parsed.derivedKey == stored.derivedKey)
        #expect(parsed.encoded == text)
    }

    @Test func descriptionHidesSaltAndKey() throws {
        let stored = try PasswordHasher(parameters: fastParameters).hash(Password("hidden"))
        #expect("\(stored)" == "scrypt$ln=4,r=8,p=1$…")
    }

    @Test(arguments: [
        "",
        "scrypt",
        "bcrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ln=4,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$r=8,ln=4,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ln=04,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ln=+4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ln=4,r=8,p=0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // 128 GiB
        "scrypt$ln=20,r=16,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 2 GiB
        "scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // non-canonical
        "scrypt$ln=4,r=8,p=1$AAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",                // 6-byte salt
        "scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",                                          // 3-byte key
        "scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$",
        "scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAA-$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // url alphabet
    ])
    func rejectsWhatItDidNotWrite(_ text: String) {
        #expect(PasswordHash(encoded: text) == nil)
    }

    @Test func parameterBounds() {
        #expect(ScryptParameters(logN: 17, r: 8, p: 1) != nil)
        #expect(ScryptParameters(logN: 0, r: 8, p: 1) == nil)
        #expect(ScryptParameters(logN: 4, r: 17, p: 1) == nil)  // beyond swift-crypto's memory limit
        #expect(ScryptParameters(logN: 16, r: 1, p: 1) == nil)  // N must be < 2^(16 r)
        #expect(ScryptParameters(logN: 4, r: 8, p: 1, saltByteCount: 8) == nil)
        #expect(ScryptParameters(logN: 21, r: 8, p: 1) == nil)  // 2 GiB
    }

    @Test func largestAcceptedRIsWithinSwiftCryptosMemoryLimit() throws {
        let parameters = try #require(ScryptParameters(logN: 4, r: 16, p: 1))
        _ = try PasswordHasher.scrypt(Array("x".utf8), [UInt8](repeating: 1, count: 16), parameters)
    }
}

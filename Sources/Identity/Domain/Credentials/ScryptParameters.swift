/// The cost of one scrypt derivation: N = 2^`logN` (CPU and memory), `r`
/// (block size), `p` (parallelism), and the sizes of the salt and the output.
/// Memory is 128 · r · N bytes: 128 MiB at the default.
public struct ScryptParameters: Hashable, Sendable, CustomStringConvertible {
    public let logN: Int
    public let r: Int
    public let p: Int
    public let saltByteCount: Int
    public let outputByteCount: Int

    /// OWASP's password storage cheat sheet: N = 2^17, r = 8, p = 1 (128 MiB).
    public static let owaspMinimum = ScryptParameters(uncheckedLogN: 17, r: 8, p: 1)
    /// What new hashes use.
    public static let `default` = owaspMinimum

    /// The bounds a stored hash must respect before any work is done, so a
    /// damaged or hostile row cannot make a sign-in allocate gigabytes.
    static let maximumMemoryBytes = 1 << 30
    static let logNRange = 1...24
    /// r above 16 with p = 1 would exceed the memory limit swift-crypto
    /// hands BoringSSL (128 · N · r · p plus one page, while BoringSSL needs
    /// 128 · r · (N + p + 1)); swift-crypto 4.5.2 does not pass a caller's own
    /// `maxMemory` on.
    static let rRange = 1...16
    static let pRange = 1...16
    static let saltRange = 16...64
    static let outputRange = 16...64

    /// Parameters within the accepted bounds, or nil. Tests use a small
    /// `logN`; production keeps `.default`.
    public init?(logN: Int, r: Int, p: Int, saltByteCount: Int = 16, outputByteCount: Int = 32) {
        guard Self.logNRange.contains(logN), Self.rRange.contains(r), Self.pRange.contains(p),
              Self.saltRange.contains(saltByteCount), Self.outputRange.contains(outputByteCount),
              logN < 16 * r,  // scrypt requires N < 2^(128 · r / 8)
              128 * r * (1 << logN) * p <= Self.maximumMemoryBytes
        else { return nil }
        self.init(uncheckedLogN: logN, r: r, p: p, saltByteCount: saltByteCount, outputByteCount: outputByteCount)
    }

    private init(uncheckedLogN logN: Int, r: Int, p: Int, saltByteCount: Int = 16, outputByteCount: Int = 32) {
        self.logN = logN
        self.r = r
        self.p = p
        self.saltByteCount = saltByteCount
        self.outputByteCount = outputByteCount
    }

    /// N itself.
    public var rounds: Int { 1 << logN }

    /// The working memory of one derivation, in bytes.
    public var memoryBytes: Int { 128 * r * rounds * p }

    /// Whether a hash made with `self` should be remade with `current`: any
    /// cost parameter or size lower (a higher `p` does not make up for a
    /// lower `N`, since memory is what scrypt buys).
    public func isWeaker(than current: ScryptParameters) -> Bool {
        logN < current.logN || r < current.r || p < current.p
            || outputByteCount < current.outputByteCount || saltByteCount < current.saltByteCount
    }

    public var description: String { "scrypt(N=2^\(logN), r=\(r), p=\(p))" }
}

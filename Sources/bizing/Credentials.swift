import BizingRPC
import Foundation

/// The session tokens `bizing login` saved, one per server socket, in
/// `<data folder>/credentials.json` (mode 0600 in a 0700 folder: only the
/// user reads it). The token is what the server knows only as a SHA-256.
struct Credentials {
    static var path: String { DefaultLocations.dataDirectory + "/credentials.json" }

    /// The saved token for a socket, if any.
    static func token(for socket: String) -> String? {
        load()[key(socket)]
    }

    static func save(_ token: String, for socket: String) throws {
        var tokens = load()
        tokens[key(socket)] = token
        try write(tokens)
    }

    /// Forgets a socket's token; returns whether there was one.
    @discardableResult
    static func remove(for socket: String) throws -> Bool {
        var tokens = load()
        guard tokens.removeValue(forKey: key(socket)) != nil else { return false }
        try write(tokens)
        return true
    }

    /// Sockets by absolute path: `--socket x.sock` from two folders are two servers.
    private static func key(_ socket: String) -> String {
        URL(fileURLWithPath: socket).standardizedFileURL.path
    }

    private static func load() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let sockets = object["sockets"] as? [String: String]
        else { return [:] }
        return sockets
    }

    /// Writes a 0600 temporary file beside the target and renames it over:
    /// the file is never readable by others, nor half-written.
    private static func write(_ tokens: [String: String]) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = try JSONSerialization.data(withJSONObject: ["sockets": tokens], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }
}

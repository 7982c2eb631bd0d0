import ArgumentParser
import BizingAPI
import BizingRPC
import BizingTools
import BizingWire
import Foundation
import NIOCore

/// What every generated method command (Generated/*.commands.swift) shares:
/// the request as JSON, how to print the responses, the connection.
///
/// bizing-codegen gives no field a flag that one of these options takes
/// (`CLIRenderer.reservedFlags`): keep the two lists in step.
struct MethodOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("The whole request as JSON, @file or - (standard input); the options above override its fields.", valueName: "json"))
    var data: String?

    @Flag(help: "Print each response as one line of compact JSON.")
    var jsonLines = false

    @OptionGroup var connection: ConnectionOptions

    /// Builds the request (`--data`, then the flags over it), calls `method`
    /// and prints the response, or each response of a stream as it arrives.
    func call(_ method: MethodDescriptor, flags: [FlagSetting]) async throws {
        let request = try encodeRequest(method, json: try requestText(data) ?? "{}", flags: flags)
        try await invoke(method, request: request, connection: connection, jsonLines: jsonLines)
    }
}

/// The request text `--data` names: inline JSON, `@path` or `-` for standard input.
func requestText(_ data: String?) throws -> String? {
    switch data {
    case nil: nil
    case "-": String(decoding: try FileHandle.standardInput.readToEndRetryingInterrupts(), as: UTF8.self)
    case let value? where value.hasPrefix("@"): try String(contentsOfFile: String(value.dropFirst()), encoding: .utf8)
    case let value?: value
    }
}

/// Parses `text`, sets the flags' fields over it and encodes it as the
/// method's input; an invalid request is a local error (exit status 1).
func encodeRequest(_ method: MethodDescriptor, json text: String, flags: [FlagSetting] = []) throws -> [UInt8] {
    do {
        var object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        if let fields = object as? [String: Any], flags.contains(where: { $0.values != nil }) {
            object = try schemaJSON.applying(flags, to: fields, as: method.input.name)
        }
        return try schemaJSON.encode(object, as: method.input.name)
    } catch let error as NSError where error.domain == NSCocoaErrorDomain {
        printError("the request is not valid JSON: \(error.userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription)")
        throw ExitCode(1)
    } catch {
        printError("the request is not a valid \(method.input.name): \(error)")
        throw ExitCode(1)
    }
}

/// Calls `method` and prints its response as JSON; a server-streaming
/// method's responses are printed one by one as they arrive. An RPC error
/// (also one that ends a stream after some responses) exits with 10 + its code.
func invoke(_ method: MethodDescriptor, request: [UInt8], connection: ConnectionOptions, jsonLines: Bool) async throws {
    try await connection.withClient { client in
        if method.serverStreaming {
            let responses = try await client.serverStreaming(
                method.fullName, request: ByteBuffer(bytes: request), metadata: connection.metadata, timeout: connection.duration)
            for try await response in responses {
                try printJSON(try decodeResponse(response, method), compact: jsonLines)
            }
        } else {
            let response = try await client.unary(
                method.fullName, request: ByteBuffer(bytes: request), metadata: connection.metadata, timeout: connection.duration)
            try printJSON(try decodeResponse(response, method), compact: jsonLines)
        }
    }
}

private func decodeResponse(_ response: ByteBuffer, _ method: MethodDescriptor) throws -> [String: Any] {
    do {
        return try schemaJSON.decode(Array(response.readableBytesView), as: method.output.name)
    } catch {
        throw RPCStatus(.internal, "a response is not a valid \(method.output.name): \(error)")
    }
}

@testable import BizingCodegen
import Testing

/// Parses `source` and resolves its names the way the generator does (parser,
/// then `SwiftRenderer(files:)`), returning the first schema error, if any.
func firstSchemaError(_ source: String, path: String = "test.proto") -> SchemaError? {
    do {
        let file = try ProtoParser.parse(source, path: path)
        _ = try SwiftRenderer(files: [file])
        return nil
    } catch {
        return error
    }
}

/// Expects `source` to be refused at exactly `location` (`file:line:column`)
/// with exactly `message`.
func expectSchemaError(
    _ source: String, at location: String, _ message: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let error = firstSchemaError(source) else {
        Issue.record("expected a schema error at \(location): \(message), but the schema was accepted", sourceLocation: sourceLocation)
        return
    }
    #expect(error.location.description == location, "\(error)", sourceLocation: sourceLocation)
    #expect(error.message == message, "\(error)", sourceLocation: sourceLocation)
}

/// Parses a schema that must be valid, and renders it alone.
func render(_ source: String, path: String = "test.proto") throws -> SwiftRenderer.Output {
    let file = try ProtoParser.parse(source, path: path)
    return try SwiftRenderer(files: [file]).render(file)
}

/// The first line where two texts differ, for readable failures of
/// whole-file comparisons.
func firstDifference(_ actual: String, _ expected: String) -> String {
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(a.count, e.count) {
        let left = index < a.count ? String(a[index]) : "<end of text>"
        let right = index < e.count ? String(e[index]) : "<end of text>"
        if left != right { return "line \(index + 1):\n  actual:   \(left)\n  expected: \(right)" }
    }
    return "no difference"
}

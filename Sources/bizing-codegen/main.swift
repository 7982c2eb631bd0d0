import BizingCodegen
import Foundation

// bizing-codegen [--check] SCHEMA_DIR API_OUT_DIR CLIENT_OUT_DIR CLI_OUT_DIR
// Generates Swift from every SCHEMA_DIR/*.proto: types and service protocols
// (API), typed clients (CLIENT) and the `bizing` commands (CLI); with --check,
// writes nothing and exits 1 when a committed file differs from what it would write.

var arguments = Array(CommandLine.arguments.dropFirst())
let check = arguments.first == "--check"
if check { arguments.removeFirst() }
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: bizing-codegen [--check] SCHEMA_DIR API_OUT_DIR CLIENT_OUT_DIR CLI_OUT_DIR\n".utf8))
    exit(2)
}
let (schemaDir, apiDir, clientDir, cliDir) = (arguments[0], arguments[1], arguments[2], arguments[3])
let fileManager = FileManager.default

do {
    let names = try fileManager.contentsOfDirectory(atPath: schemaDir).filter { $0.hasSuffix(".proto") }.sorted()
    var files: [ProtoFile] = []
    for name in names {
        let path = "\(schemaDir)/\(name)"
        files.append(try ProtoParser.parse(try String(contentsOfFile: path, encoding: .utf8), path: path))
    }
    let renderer = try SwiftRenderer(files: files)
    let commands = try CLIRenderer(files: files)
    var wanted: [String: String] = [:]
    for file in files {
        let base = (file.path as NSString).lastPathComponent.replacingOccurrences(of: ".proto", with: "")
        let output = renderer.render(file)
        wanted["\(apiDir)/\(base).pb.swift"] = output.api
        if let client = output.client { wanted["\(clientDir)/\(base).client.swift"] = client }
        if let cli = commands.render(file) { wanted["\(cliDir)/\(base).commands.swift"] = cli }
    }
    wanted["\(apiDir)/BizingSchema.pb.swift"] = renderer.renderSchemaIndex(files)
    wanted["\(cliDir)/GeneratedCommands.swift"] = commands.renderIndex()
    var stale: [String] = []
    for directory in [apiDir, clientDir, cliDir] {
        let existing = (try? fileManager.contentsOfDirectory(atPath: directory)) ?? []
        for name in existing where name.hasSuffix(".swift") && wanted["\(directory)/\(name)"] == nil {
            stale.append("\(directory)/\(name)")
        }
    }
    var differing: [String] = []
    for (path, text) in wanted.sorted(by: { $0.key < $1.key }) where (try? String(contentsOfFile: path, encoding: .utf8)) != text {
        differing.append(path)
    }
    if check {
        if differing.isEmpty && stale.isEmpty { exit(0) }
        for path in differing { print("out of date: \(path)") }
        for path in stale { print("not generated from any schema file: \(path)") }
        print("run scripts/generate and commit the result")
        exit(1)
    }
    for directory in [apiDir, clientDir, cliDir] { try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    for path in differing { try wanted[path]!.write(toFile: path, atomically: true, encoding: .utf8) }
    for path in stale { try fileManager.removeItem(atPath: path) }
    print("generated \(wanted.count) files from \(files.count) schema files (\(differing.count) changed, \(stale.count) removed)")
} catch let error as SchemaError {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("bizing-codegen: \(error)\n".utf8))
    exit(1)
}

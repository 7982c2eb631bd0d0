import Testing
import BizingTools
import Foundation

/// `scripts/generate-migrations`, run on folders of the test's own: it embeds
/// the files, and refuses gaps, duplicates and bad names at generation time.
@Suite struct GenerateMigrationsScriptTests {
    struct Run {
        let status: Int32
        let errors: String
    }

    func run(_ files: [String: String], check: Bool = false, output existing: String? = nil) throws -> (Run, String?) {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let migrations = folder.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: migrations.appendingPathComponent(name))
        }
        let output = folder.appendingPathComponent("Embedded.swift")
        if let existing { try Data(existing.utf8).write(to: output) }

        let process = try ChildProcess(
            URL(fileURLWithPath: "/bin/bash"), [repositoryRoot.appendingPathComponent("scripts/generate-migrations").path] + (check ? ["--check"] : []),
            changing: ["BIZING_MIGRATIONS_DIR": migrations.path, "BIZING_MIGRATIONS_OUT": output.path], stdout: .null)
        let data = try process.standardError!.readToEndRetryingInterrupts()
        let status = process.waitForExit()
        let written = try? String(contentsOf: output, encoding: .utf8)
        return (Run(status: status, errors: String(decoding: data, as: UTF8.self)), written)
    }

    @Test func embedsTheFilesInOrder() throws {
        let (result, written) = try run([
            "0002_second.sql": "CREATE TABLE b (x);\n",
            "0001_first.sql": "-- a \\ backslash and \"quotes\"\nCREATE TABLE a (x);",  // no final newline
        ])
        #expect(result.status == 0, "\(result.errors)")
        let text = try #require(written)
        #expect(text.hasPrefix("// DO NOT EDIT."))
        let first = try #require(text.range(of: "Migration(version: 1, name: \"first\", sql: #\"\"\"\n-- a \\ backslash and \"quotes\"\nCREATE TABLE a (x);\n\"\"\"#),"))
        let second = try #require(text.range(of: "Migration(version: 2, name: \"second\", sql: #\"\"\"\nCREATE TABLE b (x);\n\"\"\"#),"))
        #expect(first.lowerBound < second.lowerBound)
        // --check passes on what it wrote and fails on anything else.
        let files = ["0001_first.sql": "-- a \\ backslash and \"quotes\"\nCREATE TABLE a (x);", "0002_second.sql": "CREATE TABLE b (x);\n"]
        #expect(try run(files, check: true, output: text).0.status == 0)
        let stale = try run(files, check: true, output: text.replacingOccurrences(of: "TABLE b", with: "TABLE c"))
        #expect(stale.0.status != 0)
        #expect(stale.0.errors.contains("does not match"))
        #expect(stale.1 == text.replacingOccurrences(of: "TABLE b", with: "TABLE c"))  // --check writes nothing
    }

    @Test func refusesGapsDuplicatesAndBadNames() throws {
        let gap = try run(["0001_a.sql": "SELECT 1;\n", "0003_c.sql": "SELECT 1;\n"]).0
        #expect(gap.status != 0)
        #expect(gap.errors.contains("version 0002 is missing"), "\(gap.errors)")
        let duplicate = try run(["0001_a.sql": "SELECT 1;\n", "0001_b.sql": "SELECT 1;\n"]).0
        #expect(duplicate.status != 0)
        #expect(duplicate.errors.contains("version 0001 is used twice"), "\(duplicate.errors)")
        let name = try run(["1_a.sql": "SELECT 1;\n"]).0
        #expect(name.status != 0)
        #expect(name.errors.contains("NNNN_name.sql"))
        let other = try run(["0001_a.sql": "SELECT 1;\n", "notes.txt": "x"]).0
        #expect(other.status != 0)
        let empty = try run(["0001_a.sql": ""]).0
        #expect(empty.errors.contains("is empty"))
        let delimiter = try run(["0001_a.sql": "SELECT '\"\"\"#';\n"]).0
        #expect(delimiter.status != 0)
    }
}

import Foundation

/// Rows of text in aligned columns, two spaces apart, for a terminal: a
/// header line (when there are headers), then a line a row; no trailing
/// spaces. Widths count characters, so a name with accents lines up.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public let headers: [String]
    public var alignments: [Alignment]
    public private(set) var rows: [[String]] = []

    /// `alignments` per column (default: all left).
    public init(_ headers: [String], alignments: [Alignment] = []) {
        self.headers = headers
        self.alignments = alignments
    }

    /// A row; missing cells are empty, extra ones are kept (a column without a header).
    public mutating func append(_ row: [String]) {
        rows.append(row.map { $0.replacingOccurrences(of: "\n", with: " ") })
    }

    /// Labels and values, one pair a line ("status    confirmed").
    public static func fields(_ pairs: [(String, String)], indent: String = "") -> String {
        var table = TextTable([])
        for (label, value) in pairs { table.append([indent + label, value]) }
        return table.rendered()
    }

    public func rendered() -> String {
        let lines = headers.isEmpty ? rows : [headers] + rows
        let columns = lines.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for line in lines {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return lines.map { line in
            var cells = (0..<columns).map { index in
                let cell = index < line.count ? line[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index < alignments.count && alignments[index] == .right ? padding + cell : cell + padding
            }
            while let last = cells.last, last.allSatisfy({ $0 == " " }) { cells.removeLast() }
            var text = cells.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }.joined()
    }
}

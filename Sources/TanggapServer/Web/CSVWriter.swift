/// Writes RFC 4180 CSV. A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is
/// prefixed with an apostrophe, so an institution's name can never become a formula on someone's machine. A cell
/// with `;` is quoted too: spreadsheets in an Indonesian locale split on it.
struct CSVWriter {
    private(set) var text: String

    init(header: [String]) {
        text = ""
        append(header)
    }

    mutating func append(_ cells: [String]) {
        text += Self.line(cells)
    }

    /// One row as it is written, with its line end.
    static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@\t\r".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

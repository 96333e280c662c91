import Foundation

/// Reads comma-separated files as RFC 4180 writes them: quoted fields may hold commas, quotes and line breaks.
enum CSVReader {
    struct Table {
        let header: [String]
        let rows: [[String: String]]
    }

    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case missingColumns([String], in: String)

        var description: String {
            switch self {
            case .unreadable(let path): "cannot read \(path)"
            case .missingColumns(let columns, let path): "\(path) lacks the columns \(columns.joined(separator: ", "))"
            }
        }
    }

    static func read(_ path: String, requiring columns: [String]) throws -> Table {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure.unreadable(path)
        }
        let records = parse(text)
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else { throw Failure.unreadable(path) }
        let missing = columns.filter { !header.contains($0) }
        guard missing.isEmpty else { throw Failure.missingColumns(missing, in: path) }
        let rows = records.dropFirst().filter { !($0.count == 1 && $0[0].isEmpty) }.map { record in
            Dictionary(
                uniqueKeysWithValues: header.enumerated().map { index, name in
                    (name, index < record.count ? record[index].trimmingCharacters(in: .whitespaces) : "")
                })
        }
        return Table(header: header, rows: rows)
    }

    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(char)
                }
                continue
            }
            switch char {
            case "\"": quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.append(char)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}

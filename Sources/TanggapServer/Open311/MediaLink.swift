import Foundation

/// A picture's address an app sends with a report (`media_url`). Tanggap never fetches it — a server that fetched
/// what strangers name could be sent against its own network — and it keeps only links to the public internet
/// over HTTP(S), so that staff who open one are not led to a machine inside the government's network either.
enum MediaLink {
    static let maxLength = 2_000

    /// The link, when it is one to keep; nil for anything else.
    static func checked(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard text.count <= maxLength, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", url.user == nil, url.password == nil,
            let host = url.host?.lowercased(), !host.isEmpty, isPublic(host: host)
        else { return nil }
        return text
    }

    /// False for names and addresses that lead inside: loopback, private and link-local ranges, names without a
    /// dot, `.local`/`.internal` names, and the numeric spellings of an IPv4 address (`2130706433`, `0x7f.1`).
    static func isPublic(host rawHost: String) -> Bool {
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        if host.contains(":") { return isPublicIPv6(host) }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            guard labels.count == 4 else { return false }
            let octets = labels.compactMap { UInt8($0) }
            return octets.count == 4 && isPublicIPv4(octets)
        }
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return false }
        if labels.contains(where: { $0.hasPrefix("0x") && $0.dropFirst(2).allSatisfy(\.isHexDigit) }) { return false }
        let last = labels.last!
        if last.allSatisfy(\.isNumber) { return false }
        return !["localhost", "local", "internal", "lan", "home", "intranet", "corp"].contains(String(last))
    }

    private static func isPublicIPv4(_ o: [UInt8]) -> Bool {
        switch (o[0], o[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return false
        case (172, 16...31), (100, 64...127), (198, 18...19): return false
        case (224...255, _): return false
        default: return true
        }
    }

    private static func isPublicIPv6(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "::" || lower == "::1" { return false }
        if lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8") || lower.hasPrefix("fe9")
            || lower.hasPrefix("fea") || lower.hasPrefix("feb") || lower.hasPrefix("ff")
        {
            return false
        }
        // An IPv4 address written inside IPv6 (`::ffff:127.0.0.1`, `::127.0.0.1`) is judged as that address.
        if let last = lower.split(separator: ":").last, last.contains(".") { return isPublic(host: String(last)) }
        return !lower.hasPrefix("::ffff:")
    }
}

import Foundation

/// What a signature covers of an HTTP request (RFC 9421 §2): the method, the target URI it was sent to, and its
/// header fields. The target URI is the absolute one the sender used: a receiver behind a proxy rebuilds it from its
/// own public address, never from a forwarded header.
public struct SignedMessage: Sendable {
    public var method: String
    public var targetURI: String
    /// Header fields as received, in order; names compare without regard to case.
    public var fields: [(name: String, value: String)]

    public init(method: String, targetURI: String, fields: [(name: String, value: String)]) {
        self.method = method
        self.targetURI = targetURI
        self.fields = fields
    }

    /// A field's value as RFC 9421 §2.1 takes it: every line of that name, trimmed, joined by ", "; nil when absent.
    public func field(_ name: String) -> String? {
        let lower = name.lowercased()
        let values = fields.filter { $0.name.lowercased() == lower }.map { $0.value.trimmingCharacters(in: .whitespaces) }
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// The value of a derived component (§2.2), or nil for one this implementation does not derive.
    func derived(_ name: String) -> String? {
        guard let url = URLComponents(string: targetURI) else { return nil }
        switch name {
        case "@method": return method.uppercased()
        case "@target-uri": return targetURI
        case "@authority":
            guard let host = url.host?.lowercased() else { return nil }
            let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
            return url.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
        case "@scheme": return url.scheme?.lowercased()
        case "@path": return url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        case "@query": return "?" + (url.percentEncodedQuery ?? "")
        default: return nil
        }
    }
}

extension KeyedDecodingContainer {
    /// An id (`service_request_id`, `token`) that some Open311 systems write as a string and others as a number.
    func open311Identifier(_ key: Key) -> String? {
        if let text = try? decode(String.self, forKey: key) { return text }
        if let number = try? decode(Int64.self, forKey: key) { return String(number) }
        return nil
    }
}

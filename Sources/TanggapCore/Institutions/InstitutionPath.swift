/// Where an institution sits in the tree: the identifiers from the root down to the institution itself.
///
/// The path is what every scope check needs, so the core never has to load the tree: a role granted on an
/// institution covers every institution whose path starts with that institution's path.
public struct InstitutionPath: Hashable, Sendable, CustomStringConvertible {
    public let ids: [Int64]

    public init(_ ids: [Int64]) {
        precondition(!ids.isEmpty, "an institution path names at least the institution itself")
        self.ids = ids
    }

    /// The institution this path leads to.
    public var institutionID: Int64 { ids[ids.count - 1] }

    /// The level above, or nil at the root.
    public var parent: InstitutionPath? {
        ids.count > 1 ? InstitutionPath(Array(ids.dropLast())) : nil
    }

    public var depth: Int { ids.count - 1 }

    /// True when `self` is `ancestor` or lies below it.
    public func isWithin(_ ancestor: InstitutionPath) -> Bool {
        ids.count >= ancestor.ids.count && ids.starts(with: ancestor.ids)
    }

    /// True when `self` lies strictly below `ancestor`.
    public func isStrictlyBelow(_ ancestor: InstitutionPath) -> Bool {
        ids.count > ancestor.ids.count && ids.starts(with: ancestor.ids)
    }

    /// The stored form, `/1/7/42/`: a subtree is then a prefix match that an index can serve.
    public var encoded: String { "/" + ids.map(String.init).joined(separator: "/") + "/" }

    public init?(encoded: String) {
        let parts = encoded.split(separator: "/", omittingEmptySubsequences: true)
        let ids = parts.compactMap { Int64($0) }
        guard !ids.isEmpty, ids.count == parts.count else { return nil }
        self.ids = ids
    }

    public var description: String { encoded }
}

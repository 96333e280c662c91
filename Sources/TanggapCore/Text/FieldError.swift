/// What is wrong with one field of a request. The server turns the code into a sentence in the user's language.
public struct FieldError: Hashable, Sendable, Codable {
    public enum Code: String, Codable, Sendable, CaseIterable {
        case required
        case tooShort = "too_short"
        case tooLong = "too_long"
        case invalid
        /// It names something that does not exist (a category, a region, an institution).
        case unknown
        /// The value exists but this person or this context may not use it.
        case notAllowed = "not_allowed"
        /// A file whose content is not what its name says.
        case typeMismatch = "type_mismatch"
        /// A file type that is not accepted.
        case unsupportedType = "unsupported_type"
        /// A picture that is cut short or broken: it cannot be cleaned of its metadata, so it is not kept.
        case corruptFile = "corrupt_file"
        case tooLarge = "too_large"
        case tooMany = "too_many"
        case inFuture = "in_future"
    }

    public let field: String
    public let code: Code
    /// The bound that was crossed (characters, bytes, items), when there is one.
    public let limit: Int?

    public init(_ field: String, _ code: Code, limit: Int? = nil) {
        self.field = field
        self.code = code
        self.limit = limit
    }
}

/// A request that failed validation, with every problem found (not only the first).
public struct ValidationFailure: Error, Hashable, Sendable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }
}

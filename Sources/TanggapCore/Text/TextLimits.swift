/// How long each kind of text may be, in characters as people count them (grapheme clusters).
public enum TextLimits {
    public static let title = 5...200
    public static let body = 10...10_000
    /// Answers, questions, reasons, notes, replies.
    public static let message = 1...10_000
    public static let comment = 1...2_000
    public static let name = 1...120
    public static let location = 1...500
    public static let tag = 1...40
    public static let tagCount = 20
}

/// Collects field errors for one request, so a form can show every problem at once.
public struct FieldChecker {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ code: FieldError.Code, limit: Int? = nil) {
        errors.append(FieldError(field, code, limit: limit))
    }

    /// Cleans a required text and checks its length; returns the cleaned text, or nil after recording why not.
    public mutating func requiredText(
        _ value: String?, field: String, limits: ClosedRange<Int>, multiLine: Bool = false
    ) -> String? {
        guard let value, !TextNormalizer.isBlank(value) else {
            add(field, .required)
            return nil
        }
        return checkedLength(clean(value, multiLine: multiLine), field: field, limits: limits)
    }

    /// Cleans an optional text; blank counts as absent.
    public mutating func optionalText(
        _ value: String?, field: String, limits: ClosedRange<Int>, multiLine: Bool = false
    ) -> String? {
        guard let value, !TextNormalizer.isBlank(value) else { return nil }
        return checkedLength(clean(value, multiLine: multiLine), field: field, limits: limits)
    }

    public func finish() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }

    private func clean(_ value: String, multiLine: Bool) -> String {
        multiLine ? TextNormalizer.multiLine(value) : TextNormalizer.singleLine(value)
    }

    private mutating func checkedLength(_ text: String, field: String, limits: ClosedRange<Int>) -> String? {
        let length = text.count
        if length < limits.lowerBound {
            add(field, .tooShort, limit: limits.lowerBound)
            return nil
        }
        if length > limits.upperBound {
            add(field, .tooLong, limit: limits.upperBound)
            return nil
        }
        return text
    }
}

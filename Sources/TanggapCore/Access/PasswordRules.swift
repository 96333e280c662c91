/// What a password must be. Long enough to resist guessing, short enough for Bcrypt (which reads 72 bytes).
public enum PasswordRules {
    public static let minimumLength = 10
    public static let maximumBytes = 72

    public static func check(_ password: String?, field: String = "password", email: String? = nil) -> [FieldError] {
        guard let password, !password.isEmpty else { return [FieldError(field, .required)] }
        if password.count < minimumLength { return [FieldError(field, .tooShort, limit: minimumLength)] }
        if password.utf8.count > maximumBytes { return [FieldError(field, .tooLong, limit: maximumBytes)] }
        if Set(password).count < 4 { return [FieldError(field, .invalid)] }
        if let email, password.lowercased().contains(email.lowercased()) { return [FieldError(field, .invalid)] }
        return []
    }
}

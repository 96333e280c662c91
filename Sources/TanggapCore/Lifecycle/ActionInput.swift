/// Checks and cleans the text an action carries, before the lifecycle decides on it.
enum ActionInput {
    struct Cleaned {
        let action: ReportAction
        /// The text the event keeps: the question, answer, reason or note.
        let note: String?
    }

    static func validate(_ action: ReportAction) throws(TransitionError) -> Cleaned {
        var check = FieldChecker()
        let cleaned: Cleaned
        switch action {
        case .verify(let note):
            let note = check.optionalText(note, field: "note", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .verify(note: note), note: note)
        case .dispatch(let target, let note):
            let note = check.optionalText(note, field: "note", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .dispatch(to: target, note: note), note: note)
        case .assign:
            cleaned = Cleaned(action: action, note: nil)
        case .hold(let question):
            let text = check.requiredText(question, field: "question", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .hold(question: text ?? ""), note: text)
        case .archive(let reason, let duplicateOf, let note):
            if reason == .duplicate && duplicateOf == nil { check.add("duplicate_of", .required) }
            if reason != .duplicate && duplicateOf != nil { check.add("duplicate_of", .notAllowed) }
            let note = check.optionalText(note, field: "note", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .archive(reason: reason, duplicateOf: duplicateOf, note: note), note: note)
        case .notOurAuthority(let reason):
            let text = check.requiredText(reason, field: "reason", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .notOurAuthority(reason: text ?? ""), note: text)
        case .answer(let text):
            let text = check.requiredText(text, field: "text", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .answer(text: text ?? ""), note: text)
        case .reply(let text):
            let text = check.requiredText(text, field: "text", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .reply(text: text ?? ""), note: text)
        case .confirm(let note):
            let note = check.optionalText(note, field: "note", limits: TextLimits.comment, multiLine: true)
            cleaned = Cleaned(action: .confirm(note: note), note: note)
        case .rate(let rating, let comment):
            let comment = check.optionalText(comment, field: "comment", limits: TextLimits.comment, multiLine: true)
            cleaned = Cleaned(action: .rate(rating, comment: comment), note: comment)
        case .escalate(let note):
            let note = check.optionalText(note, field: "note", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .escalate(note: note), note: note)
        case .reopen(let reason):
            let text = check.requiredText(reason, field: "reason", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .reopen(reason: text ?? ""), note: text)
        case .addNote(let text):
            let text = check.requiredText(text, field: "text", limits: TextLimits.message, multiLine: true)
            cleaned = Cleaned(action: .addNote(text: text ?? ""), note: text)
        case .correct(let correction):
            cleaned = Cleaned(action: .correct(clean(correction, with: &check)), note: nil)
        }
        do { try check.finish() } catch { throw .invalid(error) }
        return cleaned
    }

    private static func clean(_ correction: ReportCorrection, with check: inout FieldChecker) -> ReportCorrection {
        var result = correction
        if let title = correction.title {
            result.title = check.requiredText(title, field: "title", limits: TextLimits.title)
        }
        if correction.subcategoryID != nil && correction.categoryID == nil {
            check.add("category_id", .required)
        }
        if let tags = correction.tags {
            result.tags = Tags.clean(tags, field: "tags", with: &check)
        }
        return result
    }
}

/// Tags an admin puts on a report: short, lower-case, each once.
public enum Tags {
    public static func clean(_ tags: [String], field: String, with check: inout FieldChecker) -> [String] {
        if tags.count > TextLimits.tagCount {
            check.add(field, .tooMany, limit: TextLimits.tagCount)
            return []
        }
        var seen = Set<String>()
        var result: [String] = []
        for tag in tags {
            guard let text = check.requiredText(tag, field: field, limits: TextLimits.tag) else { continue }
            let lowered = text.lowercased()
            if seen.insert(lowered).inserted { result.append(lowered) }
        }
        return result
    }
}

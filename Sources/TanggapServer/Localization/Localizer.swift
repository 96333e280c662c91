import Foundation
import Vapor

/// The languages the interface speaks. Indonesian first.
public enum Language: String, CaseIterable, Sendable {
    case id, en
}

/// Sentences the user reads, from `Resources/Locales/<language>.json`, never from code.
struct Localizer: Sendable {
    private let catalogs: [Language: [String: String]]

    init(directory: String) throws {
        var catalogs: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let path = (directory as NSString).appendingPathComponent("\(language.rawValue).json")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LocalizerError.missingCatalog(path)
            }
            catalogs[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.catalogs = catalogs
    }

    /// The sentence for `key`, with `{name}` placeholders filled; English, then the key, when it is missing.
    func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        var text = catalogs[language]?[key] ?? catalogs[.en]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    func has(_ key: String) -> Bool { catalogs[.id]?[key] != nil }

    /// The keys of one language's catalog, for tests that check both languages say everything.
    func keys(_ language: Language) -> Set<String> { Set(catalogs[language]?.keys ?? [:].keys) }
}

enum LocalizerError: Error, CustomStringConvertible {
    case missingCatalog(String)
    var description: String {
        switch self {
        case .missingCatalog(let path): "the locale file \(path) is missing"
        }
    }
}

extension Request {
    /// The request's language: `?lang=`, then the `lang` cookie, then `Accept-Language`, then Indonesian.
    /// Worked out once per request and kept: a page asks for every sentence and number it shows, and reading the
    /// query, the cookies and the header each time cost more than rendering a long table.
    var language: Language {
        if let chosen = storage[ChosenLanguage.self] { return chosen }
        let chosen: Language
        if let query = try? query.get(String.self, at: "lang"), let language = Language(rawValue: query) {
            chosen = language
        } else if let cookie = cookies["lang"]?.string, let language = Language(rawValue: cookie) {
            chosen = language
        } else {
            chosen = Self.preferredLanguage(headers.first(name: .acceptLanguage))
        }
        storage[ChosenLanguage.self] = chosen
        return chosen
    }

    private struct ChosenLanguage: StorageKey { typealias Value = Language }

    /// The sentence for `key` in the request's language.
    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        tanggap.localizer.text(key, language, values)
    }

    /// Picks the supported language with the highest weight in an `Accept-Language` header.
    static func preferredLanguage(_ header: String?) -> Language {
        guard let header else { return .id }
        var best: (language: Language, weight: Double)?
        for item in header.split(separator: ",").prefix(20) {
            let parts = item.split(separator: ";")
            let tag = parts.first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let primary = String(tag.split(separator: "-").first ?? "")
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=")
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]) { weight = value }
            }
            guard let language = Language(rawValue: primary), weight > 0 else { continue }
            if best == nil || weight > best!.weight { best = (language, weight) }
        }
        return best?.language ?? .id
    }
}

/// Remembers a language chosen with `?lang=` in a cookie, so the next page speaks it too.
struct LanguageCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let chosen = try? request.query.get(String.self, at: "lang"), let language = Language(rawValue: chosen),
            request.cookies["lang"]?.string != language.rawValue
        {
            response.cookies["lang"] = HTTPCookies.Value(
                string: language.rawValue, maxAge: 365 * 86_400, path: "/",
                isSecure: request.tanggap.settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

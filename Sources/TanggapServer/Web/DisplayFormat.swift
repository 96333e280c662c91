import Foundation
import TanggapCore
import Vapor

/// Dates and figures as people read them, in the request's language and the deployment's time zone.
enum DisplayFormat {
    static func dateTime(_ date: Date?, _ req: Request) -> String {
        dateTime(date, language: req.language, timeZone: req.tanggap.settings.timeZone)
    }

    /// The same outside a request (an e-mail written by the job worker).
    static func dateTime(_ date: Date?, language: Language, timeZone: TimeZone) -> String {
        guard let date else { return "" }
        return date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, locale: locale(language), timeZone: timeZone))
    }

    static func date(_ date: Date?, _ req: Request) -> String {
        guard let date else { return "" }
        return date.formatted(Date.FormatStyle(date: .long, time: .omitted, locale: locale(req), timeZone: req.tanggap.settings.timeZone))
    }

    /// A calendar day (no time of day, no zone), as a long date.
    static func day(_ day: LocalDate, _ req: Request) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)) else {
            return day.iso
        }
        return noon.formatted(Date.FormatStyle(date: .long, time: .omitted, locale: locale(req), timeZone: calendar.timeZone))
    }

    /// `87%`, or a dash when there is nothing to divide.
    static func percent(_ value: Double?) -> String {
        value.map { "\(Int($0.rounded()))%" } ?? "–"
    }

    /// One decimal, with the language's decimal mark.
    static func decimal(_ value: Double?, _ req: Request) -> String {
        guard let value else { return "–" }
        let text = String(format: "%.1f", value)
        return req.language == .id ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    static func number(_ value: Int, _ req: Request) -> String {
        value.formatted(IntegerFormatStyle<Int>(locale: locale(req)))
    }

    /// A count that stopped at `cap`: "1.000+" once it reached it.
    static func count(_ value: Int, cappedAt cap: Int, _ req: Request) -> String {
        value >= cap ? number(cap, req) + "+" : number(value, req)
    }

    private static func locale(_ req: Request) -> Locale {
        locale(req.language)
    }

    private static func locale(_ language: Language) -> Locale {
        Locale(identifier: language == .id ? "id_ID" : "en_GB")
    }
}

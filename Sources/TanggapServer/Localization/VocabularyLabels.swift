import TanggapCore
import Vapor

/// A word of the report vocabulary shown to people. Its label is the catalog entry `prefix.raw_value`
/// (`state.on_hold`, `light.red`), so a page never builds the key from a string of its own, and never from a
/// Swift case name (`onHold`), which string interpolation of the enum would give.
protocol Labelled: RawRepresentable<String> {
    static var labelPrefix: String { get }
}

extension Labelled {
    var labelKey: String { "\(Self.labelPrefix).\(rawValue)" }
}

extension ReportState: Labelled { static var labelPrefix: String { "state" } }
extension Classification: Labelled { static var labelPrefix: String { "classification" } }
extension TanggapCore.Channel: Labelled { static var labelPrefix: String { "channel" } }
extension TrafficLight: Labelled { static var labelPrefix: String { "light" } }
extension Rating: Labelled { static var labelPrefix: String { "rating" } }
extension ArchiveReason: Labelled { static var labelPrefix: String { "archive" } }
extension EventKind: Labelled { static var labelPrefix: String { "event" } }
extension Role: Labelled { static var labelPrefix: String { "role" } }

extension Localizer {
    func label(_ word: some Labelled, _ language: Language) -> String { text(word.labelKey, language) }
}

extension Request {
    /// The word in the request's language.
    func label(_ word: some Labelled) -> String { text(word.labelKey) }
}

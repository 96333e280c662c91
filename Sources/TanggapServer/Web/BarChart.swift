import Foundation

/// A horizontal bar chart laid out on the server, drawn by the template as SVG: readable without JavaScript,
/// with a title and a description for screen readers, and the same figures in a table beside it.
struct BarChart: Encodable {
    struct Bar: Encodable {
        let label: String
        let value: String
        let labelY: Int
        let barY: Int
        let width: Int
        let tone: String
    }

    let title: String
    let summary: String
    let height: Int
    let bars: [Bar]

    static let width = 600
    static let rowHeight = 46

    /// One bar per item, its length the share in percent; `tone` names the CSS class of the bar's colour.
    init(title: String, summary: String, items: [(label: String, percent: Double?)], tone: (Double?) -> String) {
        self.title = title
        self.summary = summary
        let usable = Double(Self.width - 60)
        bars = items.enumerated().map { index, item in
            let top = index * Self.rowHeight
            return Bar(
                label: item.label, value: DisplayFormat.percent(item.percent), labelY: top + 18, barY: top + 25,
                width: max(2, Int(((item.percent ?? 0) / 100 * usable).rounded())), tone: tone(item.percent))
        }
        height = max(Self.rowHeight, items.count * Self.rowHeight)
    }

    /// Green from 90% answered in time, yellow from 70%, red below; grey when nothing was answered yet.
    static func trafficLight(_ percent: Double?) -> String {
        guard let percent else { return "none" }
        return percent >= 90 ? "green" : percent >= 70 ? "yellow" : "red"
    }
}

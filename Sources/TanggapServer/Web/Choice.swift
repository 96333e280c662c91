import Foundation

/// One option of a select or a radio group, already marked when it is the current value.
struct Choice: Encodable {
    let value: String
    let label: String
    let selected: Bool

    init(_ value: String, _ label: String, selected: Bool = false) {
        self.value = value
        self.label = label
        self.selected = selected
    }
}

/// Options under a heading (`<optgroup>`).
struct ChoiceGroup: Encodable {
    let label: String
    let options: [Choice]
}

import Leaf
import Vapor

/// `#options(list)` in a template: a select's `<option>`s from a list of `Choice`s, the chosen ones selected,
/// every value and label HTML-escaped here (the tag's output is not escaped again).
///
/// One tag instead of the same loop in every form, and far cheaper: Leaf's loop re-resolves its context for every
/// option, and a national administrator's institution pickers (500 options each) were a third of the inbox's time.
struct OptionsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 1 else { throw Abort(.internalServerError, reason: "#options needs one list of choices") }
        var html = ""
        for item in ctx.parameters[0].array ?? [] {
            guard let choice = item.dictionary, let value = choice["value"]?.string, let label = choice["label"]?.string
            else { throw Abort(.internalServerError, reason: "#options takes choices with a value and a label") }
            let selected = choice["selected"]?.bool == true ? " selected" : ""
            html += "<option value=\"\(value.htmlEscaped())\"\(selected)>\(label.htmlEscaped())</option>"
        }
        return .string(html)
    }
}

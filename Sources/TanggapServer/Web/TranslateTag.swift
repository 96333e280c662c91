import Leaf
import Vapor

/// `#t("key")` in a template: the sentence for `key` in the request's language, HTML-escaped like any value.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw Abort(.internalServerError, reason: "#t needs a key") }
        guard let req = ctx.request else { return .string(key) }
        return .string(req.tanggap.localizer.text(key, req.language))
    }
}

import Vapor

/// A ranking shown a page at a time: at the national level there are hundreds of bodies, and one table of all of them
/// outweighs the rest of a page many times over (the public statistics weighed 204 KB with the national tree). The
/// ranks stay the whole ranking's; `halaman` in the query picks the part shown, and the CSV keeps every row.
struct RankingPages {
    /// Where the shown part lies, and the links to the parts before and after it.
    struct Pager: Encodable {
        let caption: String
        let previous: String?
        let next: String?
    }

    /// The positions (0-based) of the rows shown.
    let shown: Range<Int>
    /// Nil when everything fits on one page.
    let pager: Pager?

    /// The part of `total` rows that `req`'s `halaman` asks for, `perPage` at a time; `link` makes the address of a
    /// page by its number.
    init(total: Int, perPage: Int, on req: Request, link: (Int) -> String) {
        let pages = max(1, (total + perPage - 1) / perPage)
        let page = min(max((try? req.query.get(Int.self, at: "halaman")) ?? 1, 1), pages)
        shown = ((page - 1) * perPage)..<min(total, page * perPage)
        guard pages > 1 else {
            pager = nil
            return
        }
        let range = [
            "from": DisplayFormat.number(shown.lowerBound + 1, req), "to": DisplayFormat.number(shown.upperBound, req),
            "total": DisplayFormat.number(total, req),
        ]
        pager = Pager(
            caption: req.text("ranking.range", range), previous: page > 1 ? link(page - 1) : nil,
            next: page < pages ? link(page + 1) : nil)
    }
}

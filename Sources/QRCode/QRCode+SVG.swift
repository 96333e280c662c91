extension QRCode {
    /// The symbol as an SVG image: one path of dark squares on white, with the four-module quiet zone readers need.
    /// No script, no style attribute: it sits inside a page under a strict Content-Security-Policy.
    public func svg(pixelsPerModule: Int = 6, label: String) -> String {
        let side = size + 8
        var path = ""
        for y in 0..<size {
            for x in 0..<size where self[x, y] { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        let pixels = side * pixelsPerModule
        let escaped = label.map { character -> String in
            switch character {
            case "&": "&amp;"
            case "<": "&lt;"
            case "\"": "&quot;"
            default: String(character)
            }
        }.joined()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(pixels)" height="\(pixels)" \
            role="img" aria-label="\(escaped)" shape-rendering="crispEdges"><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path d="\(path)" fill="#000"/></svg>
            """
    }
}

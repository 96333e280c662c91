/// The symbol being drawn: which modules are dark, and which belong to function patterns (finders, timing, alignment,
/// format and version information) that data and masks leave alone.
struct Grid: Sendable {
    let version: Version
    let size: Int
    private(set) var dark: [Bool]
    private var isFunction: [Bool]

    init(version: Version) {
        self.version = version
        size = version.size
        dark = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    private mutating func set(_ x: Int, _ y: Int, _ value: Bool) {
        dark[y * size + x] = value
        isFunction[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        drawFinder(centerX: 3, centerY: 3)
        drawFinder(centerX: size - 4, centerY: 3)
        drawFinder(centerX: 3, centerY: size - 4)
        let positions = version.alignment
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated() {
                // Not over the three finders.
                let last = positions.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format areas (drawn for real once the mask is chosen) and draw the version information.
        drawFormatBits(mask: 0)
        drawVersionBits()
    }

    /// A finder (7×7 rings) with its light separator, clipped at the symbol's edge.
    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx, y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                set(x, y, ring != 2 && ring != 4)
            }
        }
    }

    /// Level M (00) and the mask, BCH(15,5)-protected and masked with 101010000010010, in both copies; and the
    /// module that is always dark.
    mutating func drawFormatBits(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    /// From version 7: the version number, BCH(18,6)-protected, beside the top-right and bottom-left finders.
    private mutating func drawVersionBits() {
        guard version.number >= 7 else { return }
        var remainder = version.number
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version.number << 12 | remainder
        for i in 0..<18 {
            let value = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            set(a, b, value)
            set(b, a, value)
        }
    }

    /// Codewords into the free modules, most significant bit first, in two-column strips from the bottom right, up
    /// and down in turn, stepping over the vertical timing pattern. Modules left over (remainder bits) stay light.
    mutating func place(_ codewords: [UInt8]) {
        var index = 0
        let total = codewords.count * 8
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                for column in 0..<2 {
                    let x = right - column
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - step : step
                    guard !isFunction[y * size + x], index < total else { continue }
                    dark[y * size + x] = (codewords[index >> 3] >> (7 - index & 7)) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let flip =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if flip { dark[y * size + x].toggle() }
            }
        }
    }

    /// The four penalty rules of ISO/IEC 18004 8.8.2: long runs, 2×2 blocks, finder look-alikes, and imbalance.
    func penalty() -> Int {
        func at(_ x: Int, _ y: Int) -> Bool { dark[y * size + x] }
        var score = 0
        let finderLike: [Bool] = [true, false, true, true, true, false, true]
        for transposed in [false, true] {
            for a in 0..<size {
                let line = (0..<size).map { b in transposed ? at(a, b) : at(b, a) }
                var run = 1
                for i in 1..<size {
                    if line[i] == line[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { score += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { score += run - 2 }
                for i in 0...(size - 7) where Array(line[i..<i + 7]) == finderLike {
                    let lightBefore = i >= 4 && !line[(i - 4)..<i].contains(true)
                    let lightAfter = i + 11 <= size && !line[(i + 7)..<(i + 11)].contains(true)
                    if lightBefore || lightAfter { score += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let color = at(x, y)
                if color == at(x + 1, y) && color == at(x, y + 1) && color == at(x + 1, y + 1) { score += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count
        score += abs(darkCount * 20 - size * size * 10) / (size * size) * 10
        return score
    }
}

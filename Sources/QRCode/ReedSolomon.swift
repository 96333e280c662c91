/// Reed–Solomon error correction over GF(256) with the QR code's field polynomial x⁸+x⁴+x³+x²+1 (ISO/IEC 18004, 7.5.2).
enum ReedSolomon {
    /// exp[i] = αⁱ and log[αⁱ] = i, α = 2.
    private static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512)
        var log = [Int](repeating: 0, count: 256)
        var value = 1
        for i in 0..<255 {
            exp[i] = UInt8(value)
            log[value] = i
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for i in 255..<512 { exp[i] = exp[i - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return tables.exp[tables.log[Int(a)] + tables.log[Int(b)]]
    }

    /// The generator polynomial (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), highest degree first, its leading 1 left out.
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= multiply(coefficient, tables.exp[i])
            }
            poly = next
        }
        return Array(poly.dropFirst())
    }

    /// The `count` error correction codewords of `data`: the remainder of data·xⁿ divided by the generator.
    static func remainder(of data: [UInt8], count: Int) -> [UInt8] {
        let generator = generator(degree: count)
        var remainder = [UInt8](repeating: 0, count: count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for i in 0..<count { remainder[i] ^= multiply(generator[i], factor) }
        }
        return remainder
    }
}

import Crypto
import Foundation
import TanggapCore

/// Why an e-mail's `From:` may be believed. Anyone can write any `From:`, so a reply by e-mail acts on a report only
/// when it proves its sender: it was sent to the report's own reply address (`lapor+ID-TOKEN@…`, given only in the
/// mail Tanggap sent the reporter, the token an HMAC of the tracking ID under the e-mail channel's secret, as Zammad
/// and FixMyStreet do), or the receiving gateway vouches that the `From:` domain is DKIM- or SPF-aligned.
enum EmailSenderProof {
    /// `lapor@pemda.go.id` → `lapor+ABCDEFGHJK-0123456789abcdef0123@pemda.go.id`.
    static func replyAddress(for trackingID: TrackingID, from: String, key: String) -> String? {
        guard let at = from.lastIndex(of: "@") else { return nil }
        let local = from[..<at].split(separator: "+").first.map(String.init) ?? String(from[..<at])
        return "\(local)+\(trackingID.value)-\(token(for: trackingID, key: key))\(from[at...])"
    }

    static func token(for trackingID: TrackingID, key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("tanggap-reply:\(trackingID.value)".utf8), using: SymmetricKey(data: Data(key.utf8)))
        return String(Hex.string(Array(mac)).prefix(20))
    }

    /// The report whose reply address the message was sent to, if one of its recipients is a genuine one.
    static func addressedReport(recipients: [String], key: String) -> TrackingID? {
        for recipient in recipients {
            guard let plus = recipient.firstIndex(of: "+"), let at = recipient.lastIndex(of: "@"), plus < at else { continue }
            let tag = recipient[recipient.index(after: plus)..<at].split(separator: "-", maxSplits: 1)
            guard tag.count == 2, let id = TrackingID(parsing: String(tag[0])),
                constantTimeEqual(String(tag[1]).lowercased(), token(for: id, key: key))
            else { continue }
            return id
        }
        return nil
    }

    /// Every address in the recipient headers (`To`, `Cc`, `Delivered-To`, `X-Original-To`).
    static func recipients(of mail: MIMEMessage) -> [String] {
        ["To", "Cc", "Delivered-To", "X-Original-To"].compactMap(mail.header).flatMap { value in
            value.split(whereSeparator: { " <>,;\"\t".contains($0) }).map(String.init).filter { $0.contains("@") }
        }
    }

    /// Whether the receiving gateway's `Authentication-Results` (the topmost, which it added itself) says the
    /// `From:` domain passed DMARC, or DKIM or SPF for that same domain.
    static func isAligned(authenticationResults: String?, fromAddress: String) -> Bool {
        guard let results = authenticationResults?.lowercased(), let at = fromAddress.lastIndex(of: "@") else { return false }
        let domain = fromAddress[fromAddress.index(after: at)...].lowercased()
        func aligned(_ other: Substring) -> Bool {
            let other = other.split(separator: "@").last.map(String.init) ?? ""
            return other == domain || domain.hasSuffix("." + other) && other.contains(".")
        }
        for clause in results.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = clause.split(whereSeparator: \.isWhitespace)
            guard let verdict = words.first else { continue }
            let property = { (name: String) in words.first { $0.hasPrefix(name + "=") }.map { $0.dropFirst(name.count + 1) } }
            switch verdict {
            case "dmarc=pass": if property("header.from").map(aligned) ?? true { return true }
            case "dkim=pass": if property("header.d").map(aligned) == true { return true }
            case "spf=pass": if property("smtp.mailfrom").map(aligned) == true { return true }
            default: continue
            }
        }
        return false
    }
}

import Foundation
import QRCode
import TanggapCore
import Vapor

/// `/akun/dua-langkah`: a person enrols an authenticator app (scanning the QR code or typing the secret, then
/// proving it with a first code), receives ten recovery codes once, can make new ones, and — where no rule asks it
/// of them — turn the second factor off. Every change here needs a current code, so a session left open on a shared
/// computer cannot take the factor away.
enum SecondFactorController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("akun", "dua-langkah", use: page)
        pages.post("akun", "dua-langkah", use: enrol)
        pages.post("akun", "dua-langkah", "kode-pemulihan", use: renewRecoveryCodes)
        pages.post("akun", "dua-langkah", "hapus", use: turnOff)
    }

    struct Page: Encodable {
        let required: Bool
        let enrolled: Bool
        /// While enrolling: the QR code (an SVG drawn here) and the same secret as text, in groups of four.
        let qrCode: String?
        let secret: String?
        /// Shown once, right after they were made.
        let recoveryCodes: [String]?
        /// Once enrolled: since when, and how many recovery codes are left.
        let status: String?
        let error: String?
        let notice: String?
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/akun/dua-langkah") }
        let notice = (try? req.query.get(String.self, at: "selesai")).map { req.text("second_factor.done.\($0)") }
        return try await render(user, notice: notice, on: req)
    }

    static func render(
        _ user: SignedInUser, recoveryCodes: [String]? = nil, error: APIError? = nil, notice: String? = nil, on req: Request
    ) async throws -> Response {
        let enrolled = try await SecondFactors.isEnrolled(user.id, on: req.db)
        var qrCode: String?
        var secretText: String?
        if !enrolled, let secret = try await SecondFactors.pendingSecret(for: user.id, now: req.now, on: req.db) {
            // A very long address may not fit the largest symbol drawn here; then the secret is typed instead.
            let uri = TOTP.provisioningURI(secret: secret, account: user.email, issuer: issuer(req))
            qrCode = (try? QRCode(text: uri))?.svg(label: req.text("second_factor.qr_label"))
            secretText = Base32.encode(secret).grouped(by: 4)
        }
        let page = Page(
            required: SecondFactorPolicy.isRequired(for: user.grants, reach: req.tanggap.settings.secondFactorReach),
            enrolled: enrolled, qrCode: qrCode, secret: secretText, recoveryCodes: recoveryCodes,
            status: enrolled
                ? req.text(
                    "second_factor.enrolled", ["n": String(try await SecondFactors.unusedRecoveryCodes(of: user.id, on: req.db))])
                : nil,
            error: error.map { req.text("error.\($0.code)") }, notice: notice)
        return try await req.renderPage("portal/dua-langkah", page, status: error?.status ?? .ok)
    }

    /// The name an authenticator app lists the account under: the product and this deployment's host.
    static func issuer(_ req: Request) -> String {
        let host = URL(string: req.tanggap.settings.publicURL)?.host ?? ""
        return host.isEmpty ? "Tanggap" : "Tanggap (\(host))"
    }

    struct Submitted: Content {
        var code: String?
    }

    /// The first code proves the app holds the secret; the answer is the recovery codes, shown this once.
    @Sendable static func enrol(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/akun/dua-langkah") }
        let input = try req.content.decode(Submitted.self)
        do {
            try await req.enforceRateLimit(.signIn)
            let codes = try await SecondFactors.confirm(user.id, code: input.code, now: req.now, on: req.db)
            return try await render(user, recoveryCodes: codes, notice: req.text("second_factor.done.enrolled"), on: req)
        } catch let error as APIError {
            return try await render(user, error: error.fields.isEmpty ? error : .invalidSecondFactor, on: req)
        }
    }

    @Sendable static func renewRecoveryCodes(_ req: Request) async throws -> Response {
        try await withCurrentCode(req) { user in
            let codes = try await SecondFactors.replaceRecoveryCodes(of: user.id, on: req.db)
            return try await render(user, recoveryCodes: codes, notice: req.text("second_factor.done.renewed"), on: req)
        }
    }

    /// Only where no rule asks for a second factor; a person who must have one keeps it (an admin can reset it).
    @Sendable static func turnOff(_ req: Request) async throws -> Response {
        try await withCurrentCode(req) { user in
            guard !SecondFactorPolicy.isRequired(for: user.grants, reach: req.tanggap.settings.secondFactorReach) else {
                throw APIError.forbidden
            }
            try await SecondFactors.remove(user.id, on: req.db)
            return req.seeOther("/akun/dua-langkah?selesai=removed")
        }
    }

    private static func withCurrentCode(
        _ req: Request, _ work: (SignedInUser) async throws -> Response
    ) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/akun/dua-langkah") }
        let input = try req.content.decode(Submitted.self)
        do {
            try await req.enforceRateLimit(.signIn)
            guard try await SecondFactors.verify(user.id, code: input.code, now: req.now, on: req.db) else {
                throw APIError.invalidSecondFactor
            }
            return try await work(user)
        } catch let error as APIError {
            return try await render(user, error: error, on: req)
        }
    }
}

extension String {
    /// "ABCDEFGH" as "ABCD EFGH": a long secret a person can copy without losing their place.
    fileprivate func grouped(by size: Int) -> String {
        var groups: [Substring] = []
        var rest = self[...]
        while !rest.isEmpty {
            groups.append(rest.prefix(size))
            rest = rest.dropFirst(size)
        }
        return groups.joined(separator: " ")
    }
}

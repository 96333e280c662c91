/// A staff role. A person may hold several, each granted on an institution and covering its whole subtree.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// Admin nasional: verifies and routes reports that name no institution, runs the taxonomy and calendar.
    case nationalAdmin = "national_admin"
    /// Admin instansi (admin koordinator): verifies reports sent to its body and dispatches them to its units.
    case institutionAdmin = "institution_admin"
    /// Pejabat penghubung: receives dispatched reports for a unit and posts the answer.
    case liaisonOfficer = "liaison_officer"
    /// Pejabat teknis: does the work and drafts the answer.
    case technicalOfficer = "technical_officer"
    /// Operator kanal: types in reports that arrived offline.
    case `operator`
    /// Pengawas (Ombudsman, inspectorate): sees everything in scope, takes over cases left unresolved.
    case oversight

    /// Roles that may see the reporter of an anonim report.
    public var seesAnonymousIdentity: Bool { self == .nationalAdmin || self == .oversight }

    /// Roles that read the reports of their subtree. An operator types in what arrived offline and hands the
    /// receipt over; reading the regency's reports, rahasia ones among them, is not what that needs.
    public var readsReports: Bool { self != .operator }
}

/// One role on one institution's subtree.
public struct RoleGrant: Hashable, Codable, Sendable {
    public let role: Role
    public let scope: InstitutionPath

    public init(_ role: Role, on scope: InstitutionPath) {
        self.role = role
        self.scope = scope
    }

    public func covers(_ path: InstitutionPath) -> Bool { path.isWithin(scope) }
}

extension InstitutionPath: Codable {
    public init(from decoder: any Decoder) throws {
        let ids = try decoder.singleValueContainer().decode([Int64].self)
        guard !ids.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "empty path"))
        }
        self.init(ids)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ids)
    }
}

/// A signed-in person as the rules see them: who they are and what they were granted.
public struct UserActor: Hashable, Sendable {
    public let id: Int64
    public let grants: [RoleGrant]

    public init(id: Int64, grants: [RoleGrant]) {
        self.id = id
        self.grants = grants
    }

    /// The grants of `role` that cover `path`.
    public func grants(_ role: Role, covering path: InstitutionPath) -> [RoleGrant] {
        grants.filter { $0.role == role && $0.covers(path) }
    }

    public func holds(_ role: Role, covering path: InstitutionPath) -> Bool {
        grants.contains { $0.role == role && $0.covers(path) }
    }

    public var isStaff: Bool { !grants.isEmpty }
}

/// Who asks for an action on a report.
public enum Actor: Hashable, Sendable {
    /// The system itself: the SLA sweeper, automatic completion.
    case system
    /// A signed-in person (staff or citizen).
    case user(UserActor)
    /// Someone who proved to be this report's reporter without an account (the secret given at submission,
    /// or the address the report came from on a messaging channel).
    case reporter
    /// The instance at the other end of a hand-over (docs/federation.md), acting for the holder it stands for:
    /// answering, asking, returning or taking back what was handed across. The server lets it act only on a report
    /// linked to that peer.
    case peer
}

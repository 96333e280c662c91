/// The kinds of body in the institution tree.
public enum InstitutionKind: String, CaseIterable, Codable, Sendable {
    /// The national level that receives reports naming no institution (in Indonesia, the SP4N-LAPOR! manager).
    case national
    /// A ministry (kementerian).
    case ministry
    /// A non-ministerial agency or state body (lembaga).
    case agency
    case province
    /// A regency (kabupaten).
    case regency
    /// A city (kota).
    case city
    /// A unit of a body: an OPD (dinas, badan) or a directorate.
    case unit
    /// A sub-unit: a UPT, puskesmas, section.
    case subunit
    /// An oversight body (Ombudsman, inspectorate).
    case oversight
}

extension InstitutionKind {
    /// What may be created directly below an institution of this kind: the national level takes the bodies of the
    /// state (by the national admin); a body its units; a unit its sub-units.
    public var kindsBelow: [InstitutionKind] {
        switch self {
        case .national: [.ministry, .agency, .province, .regency, .city, .oversight]
        case .unit, .subunit: [.subunit]
        case .ministry, .agency, .province, .regency, .city, .oversight: [.unit, .subunit]
        }
    }
}

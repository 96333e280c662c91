import TanggapCore

/// The staff actions the workspace offers on one report: asked by kind in code (`offers.contains(.dispatch)`), and
/// an object of `action: true/false` for the template (`offers.dispatch`).
struct ActionOffers: Encodable {
    let offered: Set<EventKind>

    func contains(_ kind: EventKind) -> Bool { offered.contains(kind) }

    func encode(to encoder: any Encoder) throws {
        let flags = Dictionary(uniqueKeysWithValues: WorkspaceController.staffActions.map { ($0.rawValue, offered.contains($0)) })
        try flags.encode(to: encoder)
    }
}

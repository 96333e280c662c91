import Foundation
import TanggapCore
import Testing

/// Every viewer × (anonim, rahasia): who sees the report, who sees the reporter, which history.
@Suite struct VisibilityPolicyTests {
    enum Who: String, CaseIterable {
        case publicVisitor, otherCitizen, reporterAccount, reporterSecret
        case officerOfHolder, officerOnTheRoute, officerElsewhere, nationalAdmin, oversight, oversightElsewhere

        var viewer: Viewer {
            switch self {
            case .publicVisitor: .publicVisitor
            case .otherCitizen: .user(UserActor(id: 7, grants: []))
            case .reporterAccount: .user(UserActor(id: 99, grants: []))
            case .reporterSecret: .reporter
            case .officerOfHolder: .user(UserActor(id: 20, grants: [RoleGrant(.liaisonOfficer, on: Tree.upt)]))
            case .officerOnTheRoute: .user(UserActor(id: 21, grants: [RoleGrant(.institutionAdmin, on: Tree.kemenkes)]))
            case .officerElsewhere: .user(UserActor(id: 22, grants: [RoleGrant(.liaisonOfficer, on: InstitutionPath([1, 5, 8]))]))
            case .nationalAdmin: .user(UserActor(id: 1, grants: [RoleGrant(.nationalAdmin, on: Tree.national)]))
            case .oversight: .user(UserActor(id: 30, grants: [RoleGrant(.oversight, on: Tree.pemkab)]))
            case .oversightElsewhere: .user(UserActor(id: 31, grants: [RoleGrant(.oversight, on: Tree.kemenkes)]))
            }
        }

        var userID: Int64? {
            if case .user(let user) = viewer { user.id } else { nil }
        }
    }

    /// Held by the UPT, after Kemenkes sent it back up as not theirs.
    func facts(anonim: Bool, rahasia: Bool, openedTo: Set<Int64> = []) -> PrivacyFacts {
        PrivacyFacts(
            isAnonymous: anonim, isConfidential: rahasia, isVerified: true, reporterUserID: 99,
            route: [Tree.national, Tree.kemenkes, Tree.pemkab, Tree.upt], openedTo: openedTo)
    }

    static let flags = [(false, false), (true, false), (false, true), (true, true)]

    /// Each viewer, with the identity opened to them (by a reason they gave) or not.
    @Test(arguments: Who.allCases, [false, true])
    func eachViewerUnderEachFlagCombination(_ who: Who, opened: Bool) {
        for (anonim, rahasia) in Self.flags {
            let openedTo: Set<Int64> = opened ? Set([who.userID].compactMap { $0 }) : []
            let access = VisibilityPolicy.access(for: who.viewer, to: facts(anonim: anonim, rahasia: rahasia, openedTo: openedTo))
            let label = "\(who) anonim=\(anonim) rahasia=\(rahasia) opened=\(opened)"
            #expect(access == expected(who, anonim: anonim, rahasia: rahasia, opened: opened), "\(label)")
        }
    }

    @Test func anOpeningIsOnlyForThePersonWhoMadeIt() {
        // The national admin opened it; the oversight officer on the same report still sees it sealed.
        let opened = facts(anonim: true, rahasia: false, openedTo: [Who.nationalAdmin.userID!])
        #expect(VisibilityPolicy.access(for: Who.oversight.viewer, to: opened)?.seesReporterIdentity == false)
        #expect(VisibilityPolicy.access(for: Who.nationalAdmin.viewer, to: opened)?.seesReporterIdentity == true)
        // An officer without such a role cannot have it opened at all.
        let toOfficer = facts(anonim: true, rahasia: false, openedTo: [Who.officerOfHolder.userID!])
        #expect(VisibilityPolicy.access(for: Who.officerOfHolder.viewer, to: toOfficer)?.seesReporterIdentity == false)
        #expect(VisibilityPolicy.access(for: Who.officerOfHolder.viewer, to: toOfficer)?.mayOpenIdentity == false)
    }

    /// The rules of DOMAIN.md, written out per viewer.
    func expected(_ who: Who, anonim: Bool, rahasia: Bool, opened: Bool) -> ReportAccess? {
        let asPublic = rahasia ? nil : ReportAccess(level: .public, seesReporterIdentity: false)
        switch who {
        case .publicVisitor, .otherCitizen, .officerElsewhere:
            return asPublic
        case .reporterAccount, .reporterSecret:
            return ReportAccess(level: .reporter, seesReporterIdentity: true)
        case .officerOfHolder, .officerOnTheRoute:
            return ReportAccess(level: .staff, seesReporterIdentity: !anonim)
        case .nationalAdmin, .oversight, .oversightElsewhere:
            // Kemenkes was on the route, so its oversight sees the report too; these roles may know an anonim
            // reporter, but only once they opened the identity with a reason.
            return ReportAccess(level: .staff, seesReporterIdentity: !anonim || opened, mayOpenIdentity: true)
        }
    }

    @Test func historyIsReadByAudience() {
        let publicAccess = ReportAccess(level: .public, seesReporterIdentity: false)
        let reporterAccess = ReportAccess(level: .reporter, seesReporterIdentity: true)
        let staffAccess = ReportAccess(level: .staff, seesReporterIdentity: false)
        #expect(EventAudience.allCases.filter(publicAccess.mayRead) == [.public])
        #expect(EventAudience.allCases.filter(reporterAccess.mayRead) == [.public, .participants])
        #expect(EventAudience.allCases.filter(staffAccess.mayRead) == EventAudience.allCases)
    }

    @Test func unverifiedAndSpamReportsAreNotPublished() {
        var unverified = facts(anonim: false, rahasia: false)
        unverified.isVerified = false
        #expect(VisibilityPolicy.access(for: .publicVisitor, to: unverified) == nil)
        var spam = facts(anonim: false, rahasia: false)
        spam.archiveReason = .spam
        #expect(VisibilityPolicy.access(for: .publicVisitor, to: spam) == nil)
        var duplicate = facts(anonim: false, rahasia: false)
        duplicate.archiveReason = .duplicate
        #expect(VisibilityPolicy.access(for: .publicVisitor, to: duplicate) != nil)
    }

    @Test func listScopesFollowTheGrants() {
        #expect(
            VisibilityPolicy.listScope(for: .publicVisitor)
                == ListScope(everything: false, published: true, reporterUserID: nil, subtrees: []))
        #expect(VisibilityPolicy.listScope(for: Who.nationalAdmin.viewer).everything)
        let nested = Viewer.user(
            UserActor(
                id: 5,
                grants: [
                    RoleGrant(.institutionAdmin, on: Tree.pemkab), RoleGrant(.liaisonOfficer, on: Tree.dinas),
                    RoleGrant(.oversight, on: Tree.kemenkes),
                ]))
        let scope = VisibilityPolicy.listScope(for: nested)
        #expect(!scope.everything)
        #expect(scope.subtrees == [Tree.pemkab, Tree.kemenkes])
        #expect(scope.reporterUserID == 5)
    }
}

@Suite struct AdministrationPolicyTests {
    @Test func configurationBelongsToTheAdminsAboveIt() {
        let national = UserActor(id: 1, grants: [RoleGrant(.nationalAdmin, on: Tree.national)])
        let pemkab = UserActor(id: 2, grants: [RoleGrant(.institutionAdmin, on: Tree.pemkab)])
        let liaison = UserActor(id: 3, grants: [RoleGrant(.liaisonOfficer, on: Tree.dinas)])
        #expect(AdministrationPolicy.mayConfigure(nil, by: national))
        #expect(!AdministrationPolicy.mayConfigure(nil, by: pemkab))
        #expect(AdministrationPolicy.mayConfigure(Tree.upt, by: pemkab) && AdministrationPolicy.mayConfigure(Tree.pemkab, by: pemkab))
        #expect(!AdministrationPolicy.mayConfigure(Tree.kemenkes, by: pemkab))
        #expect(!AdministrationPolicy.mayConfigure(Tree.dinas, by: liaison))
        #expect(AdministrationPolicy.mayConfigure(Tree.kemenkes, by: national))
        #expect(AdministrationPolicy.mayManageJobs(national) && !AdministrationPolicy.mayManageJobs(pemkab))
    }

    @Test func anAdminManagesTheAccountsWhollyWithinTheirSubtreeButNeverTheirOwn() {
        let pemkab = UserActor(id: 2, grants: [RoleGrant(.institutionAdmin, on: Tree.pemkab)])
        let liaison = UserActor(id: 3, grants: [RoleGrant(.liaisonOfficer, on: Tree.dinas)])
        let twoPlaces = UserActor(
            id: 4, grants: [RoleGrant(.liaisonOfficer, on: Tree.dinas), RoleGrant(.liaisonOfficer, on: Tree.kemenkes)])
        let noRoles = UserActor(id: 5, grants: [])
        #expect(AdministrationPolicy.mayManageAccount(of: liaison, at: Tree.pemkab, by: pemkab))
        #expect(!AdministrationPolicy.mayManageAccount(of: pemkab, at: Tree.pemkab, by: pemkab), "never oneself")
        #expect(!AdministrationPolicy.mayManageAccount(of: twoPlaces, at: Tree.pemkab, by: pemkab), "also works elsewhere")
        #expect(!AdministrationPolicy.mayManageAccount(of: noRoles, at: Tree.pemkab, by: pemkab))
        #expect(!AdministrationPolicy.mayManageAccount(of: pemkab, at: Tree.pemkab, by: liaison), "not an admin")
        #expect(!AdministrationPolicy.mayManageAccount(of: liaison, at: Tree.kemenkes, by: pemkab), "not their institution")
    }
}

/// Reports held within a scope's subtrees are in the scope; anything wider is not.
@Suite struct ListScopeTests {
    @Test func heldWithinItsSubtreesIsInTheScopeAndNothingWider() {
        let regency = InstitutionPath([1, 2]), unit = InstitutionPath([1, 2, 3]), ministry = InstitutionPath([1, 5])
        let officer = ListScope(everything: false, published: true, reporterUserID: 7, subtrees: [regency])
        #expect(officer.contains(heldWithin: [regency]) && officer.contains(heldWithin: [unit]))
        #expect(!officer.contains(heldWithin: [regency, ministry]), "one path outside: the scope still applies")
        #expect(!officer.contains(heldWithin: [InstitutionPath([1])]), "the level above is wider")
        #expect(!officer.contains(heldWithin: []), "no holder condition: every report, so the scope applies")
        #expect(ListScope(everything: true, published: false, reporterUserID: nil, subtrees: []).contains(heldWithin: []))
        #expect(!ListScope(everything: false, published: true, reporterUserID: nil, subtrees: []).contains(heldWithin: [unit]))
    }
}

/// What each role reads, narrowed to what it needs.
@Suite struct NarrowedAccessTests {
    let report = PrivacyFacts(
        isAnonymous: false, isConfidential: true, isVerified: true, reporterUserID: 99,
        route: [Tree.national, Tree.pemkab, Tree.dinas])

    @Test func anOperatorReadsNoReportOfItsSubtree() {
        let typist = UserActor(id: 40, grants: [RoleGrant(.operator, on: Tree.pemkab)])
        #expect(VisibilityPolicy.access(for: .user(typist), to: report) == nil, "a rahasia report stays unread")
        #expect(VisibilityPolicy.listScope(for: .user(typist)).subtrees.isEmpty)
        let alsoLiaison = UserActor(id: 41, grants: [RoleGrant(.operator, on: Tree.pemkab), RoleGrant(.liaisonOfficer, on: Tree.dinas)])
        #expect(VisibilityPolicy.access(for: .user(alsoLiaison), to: report)?.level == .staff, "another role still reads")
        #expect(VisibilityPolicy.listScope(for: .user(alsoLiaison)).subtrees == [Tree.dinas])
    }

    @Test func anInstitutionThatDeclinedLeavesTheRouteButTheWayUpStays() {
        let route = [Tree.national, Tree.pemkab, Tree.dinas, Tree.upt]
        #expect(VisibilityPolicy.route(route, afterDeclineBy: Tree.dinas, to: Tree.pemkab) == [Tree.national, Tree.pemkab])
        #expect(VisibilityPolicy.route(route, afterDeclineBy: Tree.upt, to: Tree.dinas) == [Tree.national, Tree.pemkab, Tree.dinas])
        #expect(
            VisibilityPolicy.route(route + [Tree.kemenkes], afterDeclineBy: Tree.pemkab, to: Tree.national)
                == [Tree.national, Tree.kemenkes], "another branch that held it keeps its record")
    }

    @Test func onlyAViewerWhoKnowsTheReporterSeesTheirOtherReports() {
        let anonim = PrivacyFacts(
            isAnonymous: true, isConfidential: false, isVerified: true, reporterUserID: 99, route: [Tree.national, Tree.pemkab])
        let regency = UserActor(id: 50, grants: [RoleGrant(.institutionAdmin, on: Tree.pemkab)])
        let national = UserActor(id: 51, grants: [RoleGrant(.nationalAdmin, on: Tree.national)])
        #expect(VisibilityPolicy.access(for: .user(regency), to: anonim)?.mayListAsSameReporter == false)
        #expect(VisibilityPolicy.access(for: .user(national), to: anonim)?.mayListAsSameReporter == false, "sealed until opened")
        var opened = anonim
        opened.openedTo = [national.id]
        #expect(VisibilityPolicy.access(for: .user(national), to: opened)?.mayListAsSameReporter == true)
        #expect(VisibilityPolicy.access(for: .publicVisitor, to: anonim)?.mayListAsSameReporter == false)
    }

    @Test func flagsWeighByAccountAge() {
        #expect(CommentModeration.flagWeight(accountAge: 60) == 0)
        #expect(CommentModeration.flagWeight(accountAge: 5 * 86_400) == 50)
        #expect(CommentModeration.flagWeight(accountAge: 90 * 86_400) == 100)
        #expect(!CommentModeration.hides(totalWeight: 250) && CommentModeration.hides(totalWeight: 300))
    }
}

@Suite struct IdentityRevealTests {
    @Test func aReasonMustSaySomething() throws {
        #expect(throws: ValidationFailure([FieldError("reason", .required)])) { try IdentityReveal.checkedReason("   ") }
        #expect(throws: ValidationFailure([FieldError("reason", .tooShort, limit: 20)])) { try IdentityReveal.checkedReason("cek") }
        #expect(throws: ValidationFailure([FieldError("reason", .tooLong, limit: 1_000)])) {
            try IdentityReveal.checkedReason(String(repeating: "a", count: 1_001))
        }
        #expect(
            try IdentityReveal.checkedReason("  Laporan penyalahgunaan: pelapor mengancam petugas  ")
                == "Laporan penyalahgunaan: pelapor mengancam petugas")
    }

    @Test func anOpeningLastsHalfAnHour() {
        let opened = Date(timeIntervalSince1970: 1_000_000)
        #expect(IdentityReveal.isOpen(since: opened, at: opened))
        #expect(IdentityReveal.isOpen(since: opened, at: opened + 29 * 60))
        #expect(!IdentityReveal.isOpen(since: opened, at: opened + 30 * 60))
        #expect(!IdentityReveal.isOpen(since: opened, at: opened - 1))
    }

    @Test func onlyARoleThatMayKnowTheReporterOpensAndOnlyOnAnAnonimReport() {
        let route = [Tree.national, Tree.pemkab, Tree.upt]
        let anonim = PrivacyFacts(isAnonymous: true, isConfidential: false, isVerified: true, reporterUserID: 9, route: route)
        var named = anonim
        named.isAnonymous = false
        let oversight = UserActor(id: 1, grants: [RoleGrant(.liaisonOfficer, on: Tree.upt), RoleGrant(.oversight, on: Tree.pemkab)])
        let officer = UserActor(id: 2, grants: [RoleGrant(.institutionAdmin, on: Tree.pemkab)])
        let elsewhere = UserActor(id: 3, grants: [RoleGrant(.oversight, on: InstitutionPath([1, 5, 8]))])
        #expect(IdentityReveal.role(of: oversight, on: anonim) == .oversight)
        #expect(IdentityReveal.role(of: oversight, on: named) == nil)
        #expect(IdentityReveal.role(of: officer, on: anonim) == nil)
        #expect(IdentityReveal.role(of: elsewhere, on: anonim) == nil)
    }

    @Test func anAnonimReportersNameNeverCrossesToAnotherInstanceANamedOnesDoes() {
        #expect(!VisibilityPolicy.reporterNameCrossesToPeer(isAnonymous: true))
        #expect(VisibilityPolicy.reporterNameCrossesToPeer(isAnonymous: false))
    }
}

@Suite struct SecondFactorPolicyTests {
    @Test(arguments: Role.allCases)
    func rolesThatSeeIdentitiesOrManageAccountsNeedASecondFactor(_ role: Role) {
        let grants = [RoleGrant(role, on: Tree.pemkab)]
        let sensitive: Set<Role> = [.nationalAdmin, .institutionAdmin, .oversight]
        #expect(SecondFactorPolicy.isRequired(for: grants, reach: .sensitiveRoles) == sensitive.contains(role))
        #expect(SecondFactorPolicy.isRequired(for: grants, reach: .allStaff))
    }

    @Test func citizensNeverDo() {
        for reach in SecondFactorPolicy.Reach.allCases { #expect(!SecondFactorPolicy.isRequired(for: [], reach: reach)) }
    }
}

import Testing

@testable import TanggapCore

@Suite struct Open311StatusTests {
    @Test func everyStateReadsAsOpenOrClosedAndAsFixMyStreetsWord() {
        for state in ReportState.allCases {
            #expect(Open311Status.status(state) == (state.isOpen ? "open" : "closed"))
        }
        #expect(Open311Status.extended(.received, archivedAs: nil) == "open")
        #expect(Open311Status.extended(.dispatched, archivedAs: nil) == "in progress")
        #expect(Open311Status.extended(.completed, archivedAs: nil) == "fixed")
        #expect(Open311Status.extended(.archived, archivedAs: .duplicate) == "duplicate")
        #expect(Open311Status.extended(.archived, archivedAs: .outOfScope) == "not councils responsibility")
        #expect(
            Open311Status.normalized("IN_PROGRESS") == "in progress"
                && Open311Status.normalized(" Action  Scheduled ") == "action scheduled")
    }

    @Test func anOpen311ReporterHearsByEmailFirstThenBySMS() {
        let both = ChannelRules.Contacts(channel: .open311, replyAddress: nil, email: "a@b.test", phone: "+6281234567890")
        #expect(ChannelRules.routes(to: both).map(\.0) == [.email, .sms])
        let phoneOnly = ChannelRules.Contacts(channel: .open311, replyAddress: nil, email: nil, phone: "+6281234567890")
        #expect(ChannelRules.routes(to: phoneOnly).map(\.1) == ["+6281234567890"])
    }
}

@Suite struct Open311PrivacyTests {
    @Test func aRahasiaReportGoesOnlyToABodyThatKeepsReportsSecretAndAnAnonimOneCarriesNoIdentity() async {
        #expect(await VisibilityPolicy.reportMayGoToOpen311Body(isConfidential: false) { false })
        #expect(await VisibilityPolicy.reportMayGoToOpen311Body(isConfidential: true) { true })
        #expect(!(await VisibilityPolicy.reportMayGoToOpen311Body(isConfidential: true) { false }))
        #expect(!VisibilityPolicy.reporterCrossesToOpen311Body(isAnonymous: true, bodyReceivesContacts: true))
        #expect(!VisibilityPolicy.reporterCrossesToOpen311Body(isAnonymous: false, bodyReceivesContacts: false))
        #expect(VisibilityPolicy.reporterCrossesToOpen311Body(isAnonymous: false, bodyReceivesContacts: true))
    }
}

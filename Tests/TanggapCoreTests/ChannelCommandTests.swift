import TanggapCore
import Testing

/// The keyword grammar people type on a basic phone.
@Suite struct ChannelCommandTests {
    func validID() -> TrackingID {
        var generator = SplitMix64(seed: 7)
        return TrackingID.generate(using: &generator)
    }

    @Test func keywordsInAnyCaseAndSpacing() {
        let id = validID()
        #expect(ChannelCommand.parse("LAPOR Jalan berlubang di Soreang") == .report(text: "Jalan berlubang di Soreang"))
        #expect(ChannelCommand.parse("  lapor   Jalan\nberlubang ") == .report(text: "Jalan\nberlubang"))
        #expect(ChannelCommand.parse("cek \(id.display)") == .check(id))
        #expect(ChannelCommand.parse("Cek \(id.value.lowercased())") == .check(id))
        let halves = id.display.replacingOccurrences(of: "-", with: " ")
        #expect(ChannelCommand.parse("CEK \(halves)") == .check(id), "the two halves typed apart")
        #expect(ChannelCommand.parse("BALAS \(id.display) Sudah beres, terima kasih") == .reply(id, text: "Sudah beres, terima kasih"))
        #expect(ChannelCommand.parse("balas \(halves) ok sip") == .reply(id, text: "ok sip"))
    }

    @Test func somethingMissingGivesTheGrammarBack() {
        let id = validID()
        #expect(ChannelCommand.parse("LAPOR") == .malformed(keyword: "LAPOR"))
        #expect(ChannelCommand.parse("CEK") == .malformed(keyword: "CEK"))
        #expect(ChannelCommand.parse("CEK 12345") == .malformed(keyword: "CEK"))
        #expect(ChannelCommand.parse("CEK \(id.display) tolong") == .malformed(keyword: "CEK"))
        #expect(ChannelCommand.parse("BALAS \(id.display)") == .malformed(keyword: "BALAS"), "a reply needs words")
        // One wrong symbol fails the check digit: never someone else's report by a typo.
        var typo = Array(id.value)
        typo[3] = typo[3] == "A" ? "B" : "A"
        #expect(ChannelCommand.parse("CEK \(String(typo))") == .malformed(keyword: "CEK"))
    }

    @Test func anythingElseIsFreeTextOrEmpty() {
        #expect(ChannelCommand.parse("Halo, jalan rusak") == .freeText("Halo, jalan rusak"))
        #expect(ChannelCommand.parse("LAPORAN jalan rusak") == .freeText("LAPORAN jalan rusak"))
        #expect(ChannelCommand.parse("   \n ") == .empty)
        #expect(ChannelCommand.parse("") == .empty)
        #expect(ChannelCommand.parse("<script>LAPOR</script>") == .freeText("<script>LAPOR</script>"))
    }
}

/// Who speaks for a report on a channel, and where its reporter hears of it.
@Suite struct ChannelRulesTests {
    let phone = "+6281234567890"

    @Test func onlyTheReportersOwnAddressOrContactOwnsIt() {
        let bySMS = ChannelRules.Contacts(channel: .sms, replyAddress: phone, email: nil, phone: phone)
        #expect(ChannelRules.owns(bySMS, sender: phone, on: .sms))
        #expect(ChannelRules.owns(bySMS, sender: phone, on: .whatsapp), "the same number on WhatsApp is the same person")
        #expect(!ChannelRules.owns(bySMS, sender: "+6289999999999", on: .sms))
        #expect(!ChannelRules.owns(bySMS, sender: phone, on: .telegram), "a chat id is not a phone number")
        let byWeb = ChannelRules.Contacts(channel: .web, replyAddress: nil, email: "siti@warga.test", phone: nil)
        #expect(ChannelRules.owns(byWeb, sender: "siti@warga.test", on: .email))
        #expect(!ChannelRules.owns(byWeb, sender: "budi@warga.test", on: .email))
        let anonymousWeb = ChannelRules.Contacts(channel: .web, replyAddress: nil, email: nil, phone: nil)
        #expect(!ChannelRules.owns(anonymousWeb, sender: phone, on: .sms))
    }

    @Test func theReporterHearsBackWhereTheyCameFrom() {
        func routes(_ c: ChannelRules.Contacts) -> [String] { ChannelRules.routes(to: c).map { "\($0.0.rawValue):\($0.1)" } }
        #expect(routes(.init(channel: .telegram, replyAddress: "7001", email: "x@y.test", phone: phone)) == ["telegram:7001"])
        #expect(
            routes(.init(channel: .web, replyAddress: nil, email: "x@y.test", phone: phone)) == ["email:x@y.test"], "no SMS for web reports"
        )
        #expect(routes(.init(channel: .walkIn, replyAddress: nil, email: nil, phone: phone)) == ["sms:\(phone)"])
        #expect(routes(.init(channel: .api, replyAddress: nil, email: nil, phone: nil)).isEmpty)
        #expect(ChannelRules.told == [.verify, .dispatch, .answer, .hold, .confirm])
    }
}

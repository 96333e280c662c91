import Testing
import TanggapCore

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

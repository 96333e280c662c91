import Foundation
import TanggapCore
import Testing

/// The public figures (counted against a plain recount) and the rules for comments on published reports.
@Suite struct PublicParticipationTests {
    func facts(
        answerAfterDays: Int?, late: Bool? = nil, state: ReportState = .answered, lateNow: Bool = false, rating: Rating? = nil,
        bounced: Bool = false
    ) -> ReportFacts {
        ReportFacts(
            state: state, light: lateNow ? .red : nil, firstAnswerLate: answerAfterDays == nil ? nil : (late ?? false),
            workingDaysToFirstAnswer: answerAfterDays, rating: rating, bounced: bounced)
    }

    @Test func figuresCountWhatHappened() {
        var figures = PerformanceFigures()
        #expect(figures.inTimePercent == nil && figures.medianWorkingDaysToFirstAnswer == nil && figures.satisfiedPercent == nil)
        figures.count(facts(answerAfterDays: 1))
        figures.count(facts(answerAfterDays: 3, late: true, state: .completed, rating: .satisfied))
        figures.count(facts(answerAfterDays: 2, state: .completed, rating: .notSatisfied))
        figures.count(facts(answerAfterDays: 10, late: true, state: .completed, rating: .verySatisfied))
        figures.count(facts(answerAfterDays: nil, state: .dispatched, lateNow: true))
        #expect(figures.received == 5 && figures.answered == 4 && figures.answeredInTime == 2 && figures.lateNow == 1)
        #expect(figures.completed == 3 && figures.rated == 3 && figures.satisfied == 2)
        #expect(figures.inTimePercent == 50 && figures.completedPercent == 60)
        #expect(abs(figures.satisfiedPercent! - 200.0 / 3) < 1e-9)
        // Days 1, 2, 3, 10: the middle two are 2 and 3.
        #expect(figures.medianWorkingDaysToFirstAnswer == 2.5)
        figures.count(facts(answerAfterDays: 4))
        #expect(figures.medianWorkingDaysToFirstAnswer == 3)
        #expect(figures.open == 3 && figures.red == 1 && figures.lateNow == 1, "two answered, one dispatched")
    }

    @Test func figuresAddUpAndTakeAwayExactly() {
        var random = SplitMix64(seed: 7)
        var whole = PerformanceFigures(), first = PerformanceFigures(), second = PerformanceFigures()
        let states: [ReportState] = [.received, .dispatched, .onHold, .answered, .completed, .archived]
        for index in 0..<200 {
            let answered = random.next() % 2 == 0
            let report = facts(
                answerAfterDays: answered ? Int(random.next() % 45) : nil, late: random.next() % 3 == 0,
                state: states[Int(random.next() % 6)], lateNow: random.next() % 4 == 0,
                rating: random.next() % 5 == 0 ? .satisfied : nil, bounced: random.next() % 7 == 0)
            whole.count(report)
            if index % 2 == 0 { first.count(report) } else { second.count(report) }
        }
        #expect(first + second == whole)
        #expect(whole - second == first && (whole - whole).isZero)
        #expect(whole.answerDays.reduce(0, +) == whole.answered, "every first answer is in one slot, 30 or more in the last")
    }

    @Test(arguments: 0..<20)
    func theMedianIsTheMiddleOfTheSortedDays(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed + 1))
        var figures = PerformanceFigures()
        var days: [Int] = []
        for _ in 0..<(1 + Int(random.next() % 40)) {
            let day = Int(random.next() % 30)
            days.append(day)
            figures.count(facts(answerAfterDays: day))
        }
        days.sort()
        let expected = days.count % 2 == 1 ? Double(days[days.count / 2]) : Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
        #expect(figures.medianWorkingDaysToFirstAnswer == expected)
    }

    @Test func theRankingPutsInTimeFirstThenFewerLateThenMoreReceived() {
        func make(inTime: Int, of answered: Int, lateNow: Int = 0, received: Int? = nil) -> PerformanceFigures {
            var figures = PerformanceFigures()
            for index in 0..<(received ?? answered) {
                let answeredOne = index < answered
                figures.count(
                    facts(
                        answerAfterDays: answeredOne ? 1 : nil, late: index >= inTime, lateNow: !answeredOne && index - answered < lateNow))
            }
            return figures
        }
        let best = make(inTime: 9, of: 10)
        let sameShareFewerLate = make(inTime: 9, of: 10, lateNow: 0, received: 12)
        let sameShareMoreLate = make(inTime: 9, of: 10, lateNow: 2, received: 12)
        let worse = make(inTime: 5, of: 10)
        let silent = make(inTime: 0, of: 0, received: 3)
        let ranked = [silent, worse, sameShareMoreLate, best, sameShareFewerLate].sorted(by: PerformanceRanking.precedes)
        #expect(ranked == [sameShareFewerLate, best, sameShareMoreLate, worse, silent])
    }

    @Test func moderatorsAreTheNationalAdminAndTheHoldersAdmins() {
        let national = UserActor(id: 1, grants: [RoleGrant(.nationalAdmin, on: Tree.national)])
        let pemkabAdmin = UserActor(id: 2, grants: [RoleGrant(.institutionAdmin, on: Tree.pemkab)])
        let kemenkesAdmin = UserActor(id: 3, grants: [RoleGrant(.institutionAdmin, on: Tree.kemenkes)])
        let liaison = UserActor(id: 4, grants: [RoleGrant(.liaisonOfficer, on: Tree.pemkab)])
        let citizen = UserActor(id: 5, grants: [])
        #expect(CommentModeration.mayModerate(national, reportHolder: Tree.upt))
        #expect(CommentModeration.mayModerate(pemkabAdmin, reportHolder: Tree.upt))
        #expect(!CommentModeration.mayModerate(kemenkesAdmin, reportHolder: Tree.upt))
        #expect(!CommentModeration.mayModerate(pemkabAdmin, reportHolder: Tree.national))
        #expect(!CommentModeration.mayModerate(liaison, reportHolder: Tree.upt))
        #expect(!CommentModeration.mayModerate(citizen, reportHolder: Tree.upt))
    }

    @Test func anAnonymousReporterStaysAnonymousInTheirOwnComments() {
        #expect(!CommentModeration.showsAuthorName(commenterID: 99, reporterUserID: 99, reportIsAnonymous: true))
        #expect(CommentModeration.showsAuthorName(commenterID: 99, reporterUserID: 99, reportIsAnonymous: false))
        #expect(CommentModeration.showsAuthorName(commenterID: 7, reporterUserID: 99, reportIsAnonymous: true))
        #expect(CommentModeration.showsAuthorName(commenterID: 7, reporterUserID: nil, reportIsAnonymous: true))
    }
}

/// The weekly review's rising topics.
@Suite struct RisingTopicsTests {
    @Test func wordsRiseAgainstTheirWeeklyAverageCountedOncePerReport() {
        #expect(RisingTopics.terms(in: "Sampah menumpuk, SAMPAH berbau di Jalan Raya!") == ["sampah", "menumpuk", "berbau", "raya"])
        #expect(
            RisingTopics.terms(in: "Got-Mampet@RT05 [Blok] zaman_dulu ~Cibiru") == ["mampet", "blok", "zaman", "dulu", "cibiru"],
            "ASCII text: letters only, brackets, digits and underscores split words")
        #expect(
            RisingTopics.terms(in: "Got-Mampet@RT05 [Blok] zaman_dulu ~Cibiru é") == ["mampet", "blok", "zaman", "dulu", "cibiru"],
            "the same words when one letter elsewhere is not ASCII")
        // Letters beyond ASCII belong to words; digits, punctuation and symbols end them.
        #expect(RisingTopics.terms(in: "Kafé Tepi-Danau 24jam; ÉLÈVE—ruko™ 2026") == ["kafé", "tepi", "danau", "élève", "ruko"])
        let thisWeek = [
            RisingTopics.terms(in: "Banjir di Dayeuhkolot"), RisingTopics.terms(in: "Banjir lagi, banjir besar"),
            RisingTopics.terms(in: "Banjir dan sampah"), RisingTopics.terms(in: "Sampah menumpuk"),
        ]
        let before = Array(repeating: RisingTopics.terms(in: "Sampah menumpuk"), count: 12) + [RisingTopics.terms(in: "Banjir kecil")]
        let topics = RisingTopics.rising(thisWeek: thisWeek, before: before)
        // banjir: 3 reports this week against 0.25 a week before; sampah: 2 against 3 a week, so not rising.
        #expect(topics == [RisingTopics.Topic(term: "banjir", thisWeek: 3, weeklyBefore: 0.25)])
        #expect(RisingTopics.rising(thisWeek: [RisingTopics.terms(in: "Banjir")], before: []).isEmpty, "one report is no trend")
    }

    @Test func aSampleIsScaledBackToEveryReport() {
        // A tenth of this week was read, a twentieth of the weeks before: 3 read stand for 30, 1 read for 20 (5 a week).
        let thisWeek = Array(repeating: RisingTopics.terms(in: "Banjir besar"), count: 3) + [RisingTopics.terms(in: "Sampah")]
        let before = [RisingTopics.terms(in: "Banjir kecil"), RisingTopics.terms(in: "Sampah")]
        let topics = RisingTopics.rising(thisWeek: thisWeek, before: before, coverage: .init(thisWeek: 0.1, before: 0.05))
        #expect(topics.contains(RisingTopics.Topic(term: "banjir", thisWeek: 30, weeklyBefore: 5)))
        #expect(!topics.contains { $0.term == "sampah" }, "met once in the sample: below the minimum, however it scales")
    }
}

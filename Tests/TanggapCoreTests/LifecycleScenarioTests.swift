import TanggapCore
import Testing

@Suite struct LifecycleScenarioTests {
    let nationalAdmin = Person.nationalAdmin.actor
    let pemkabAdmin = Person.institutionAdmin.actor
    let liaison = Person.liaisonOfficer.actor

    @Test func aReportGoesFromReceivedToCompletedAndIsRated() throws {
        var r = report(.received, holder: Tree.national)
        r = try Lifecycle.decide(.verify(note: nil), on: r, by: nationalAdmin).after
        r = try Lifecycle.decide(.dispatch(to: Tree.pemkab, note: nil), on: r, by: nationalAdmin).after
        #expect(r.state == .dispatched && r.holder == Tree.pemkab)
        r = try Lifecycle.decide(.dispatch(to: Tree.dinas, note: nil), on: r, by: pemkabAdmin).after
        #expect(r.holder == Tree.dinas)
        r = try Lifecycle.decide(.answer(text: "Sudah ditambal."), on: r, by: liaison).after
        #expect(r.state == .answered)
        r = try Lifecycle.decide(.confirm(note: nil), on: r, by: .reporter).after
        #expect(r.state == .completed)
        r = try Lifecycle.decide(.rate(.verySatisfied, comment: nil), on: r, by: .reporter).after
        #expect(r.rating == .verySatisfied)
        #expect(throws: TransitionError.rejected(.rate, .alreadyRated)) {
            try Lifecycle.decide(.rate(.notSatisfied, comment: nil), on: r, by: .reporter)
        }
    }

    @Test func notOurAuthorityGoesUpOneLevelAndKeepsTheReportVerified() throws {
        let atUnit = report(.dispatched, holder: Tree.upt)
        let transition = try Lifecycle.decide(.notOurAuthority(reason: "Bukan wewenang UPT"), on: atUnit, by: liaison)
        #expect(transition.toHolder == Tree.dinas)
        #expect(transition.toState == .verified)
        #expect(transition.after.assigneeID == nil)
        // The level above routes it again: never a dead end.
        let rerouted = try Lifecycle.decide(.dispatch(to: Tree.upt, note: nil), on: transition.after, by: pemkabAdmin)
        #expect(rerouted.toState == .dispatched)
    }

    @Test func notOurAuthorityOnAnUnverifiedReportKeepsItReceived() throws {
        let named = report(.received, holder: Tree.pemkab)
        let transition = try Lifecycle.decide(.notOurAuthority(reason: "Salah alamat"), on: named, by: pemkabAdmin)
        #expect(transition.toHolder == Tree.national && transition.toState == .received)
    }

    @Test func thereIsNoLevelAboveTheNationalLevel() {
        #expect(throws: TransitionError.rejected(.notOurAuthority, .noLevelAbove)) {
            try Lifecycle.decide(.notOurAuthority(reason: "?"), on: report(.received, holder: Tree.national), by: nationalAdmin)
        }
    }

    @Test func aCaseHandedInFromAnotherInstanceGoesBackThereFromTheTop() throws {
        var handedIn = report(.verified, holder: Tree.national)
        handedIn.isHandedIn = true
        #expect(Lifecycle.isOffered(.notOurAuthority, on: handedIn, to: nationalAdmin))
        let transition = try Lifecycle.decide(.notOurAuthority(reason: "Bukan kewenangan pusat"), on: handedIn, by: nationalAdmin)
        #expect(transition.toState == .archived && transition.after.archiveReason == .outOfScope && transition.toHolder == Tree.national)
        // Lower down, it climbs inside this instance first, as any report.
        handedIn.holder = Tree.pemkab
        #expect(try Lifecycle.decide(.notOurAuthority(reason: "Salah alamat"), on: handedIn, by: nationalAdmin).toHolder == Tree.national)
    }

    @Test func aHoldResumesWhereItStoppedWhenTheReporterReplies() throws {
        for state in [ReportState.received, .verified, .dispatched] {
            let held = try Lifecycle.decide(.hold(question: "Foto?"), on: report(state), by: liaison)
            #expect(held.after.state == .onHold && held.after.stateBeforeHold == state)
            #expect(held.audience == .participants)
            let resumed = try Lifecycle.decide(.reply(text: "Ini fotonya"), on: held.after, by: .reporter)
            #expect(resumed.after.state == state && resumed.after.stateBeforeHold == nil)
        }
    }

    @Test func aReplyToAnAnswerSendsTheReportBackToTheUnit() throws {
        let answered = report(.answered, holder: Tree.upt)
        let back = try Lifecycle.decide(.reply(text: "Belum selesai"), on: answered, by: .reporter)
        #expect(back.toState == .dispatched && back.toHolder == Tree.upt)
    }

    @Test func onlyANationalAdminRoutesSideways() throws {
        let atPemkab = report(.verified, holder: Tree.pemkab)
        #expect(throws: TransitionError.rejected(.dispatch, .targetNotBelowHolder)) {
            try Lifecycle.decide(.dispatch(to: Tree.kemenkes, note: nil), on: atPemkab, by: pemkabAdmin)
        }
        let moved = try Lifecycle.decide(.dispatch(to: Tree.kemenkes, note: nil), on: atPemkab, by: nationalAdmin)
        #expect(moved.toHolder == Tree.kemenkes)
    }

    @Test func aDispatchToTheHolderItselfIsTakingItOnOnlyOnce() throws {
        let verified = report(.verified, holder: Tree.dinas)
        let taken = try Lifecycle.decide(.dispatch(to: Tree.dinas, note: nil), on: verified, by: pemkabAdmin)
        #expect(taken.toState == .dispatched && !taken.movedHolder)
        #expect(throws: TransitionError.rejected(.dispatch, .sameHolder)) {
            try Lifecycle.decide(.dispatch(to: Tree.dinas, note: nil), on: taken.after, by: pemkabAdmin)
        }
    }

    @Test func assigneesMustWorkWhereTheReportIs() throws {
        let elsewhere = Assignee(userID: 41, grants: [RoleGrant(.liaisonOfficer, on: Tree.kemenkes)])
        #expect(throws: TransitionError.rejected(.assign, .assigneeNotStaffOfHolder)) {
            try Lifecycle.decide(.assign(to: elsewhere), on: report(.dispatched), by: liaison)
        }
        let citizen = Assignee(userID: 42, grants: [])
        #expect(throws: TransitionError.rejected(.assign, .assigneeNotStaffOfHolder)) {
            try Lifecycle.decide(.assign(to: citizen), on: report(.dispatched), by: liaison)
        }
    }

    @Test func archivingAsDuplicateNeedsAnotherReport() throws {
        #expect(throws: TransitionError.invalid(ValidationFailure([FieldError("duplicate_of", .required)]))) {
            try Lifecycle.decide(.archive(reason: .duplicate, duplicateOf: nil, note: nil), on: report(.verified), by: pemkabAdmin)
        }
        #expect(throws: TransitionError.rejected(.archive, .duplicateOfItself)) {
            try Lifecycle.decide(.archive(reason: .duplicate, duplicateOf: 500, note: nil), on: report(.verified), by: pemkabAdmin)
        }
        let archived = try Lifecycle.decide(
            .archive(reason: .duplicate, duplicateOf: 17, note: nil), on: report(.verified), by: pemkabAdmin)
        #expect(archived.after.duplicateOfID == 17 && archived.after.archiveReason == .duplicate)
    }

    @Test func reopeningClearsTheOutcomeButNotTheHistory() throws {
        let completed = report(.completed, rating: .notSatisfied)
        let reopened = try Lifecycle.decide(.reopen(reason: "Rusak lagi"), on: completed, by: pemkabAdmin)
        #expect(reopened.after.state == .dispatched && reopened.after.rating == nil)
        let spam = try Lifecycle.decide(
            .archive(reason: .spam, duplicateOf: nil, note: nil), on: report(.received, verified: false), by: pemkabAdmin)
        let back = try Lifecycle.decide(.reopen(reason: "Bukan spam"), on: spam.after, by: pemkabAdmin)
        #expect(back.after.state == .received && back.after.archiveReason == nil)
    }

    @Test func escalationHappensOnce() throws {
        let escalated = try Lifecycle.decide(.escalate(note: nil), on: report(.dispatched), by: .system)
        #expect(escalated.after.isEscalated && escalated.toState == .dispatched)
        #expect(throws: TransitionError.rejected(.escalate, .alreadyEscalated)) {
            try Lifecycle.decide(.escalate(note: nil), on: escalated.after, by: Person.oversight.actor)
        }
    }

    @Test func actionsThatNeedWordsRefuseBlankOnes() {
        let blank = "  \u{200B}\n\t "
        let cases: [(ReportAction, String, ReportState)] = [
            (.hold(question: blank), "question", .dispatched),
            (.answer(text: blank), "text", .dispatched),
            (.notOurAuthority(reason: ""), "reason", .dispatched),
            (.reopen(reason: blank), "reason", .completed),
            (.addNote(text: blank), "text", .dispatched),
        ]
        for (action, field, state) in cases {
            #expect(throws: TransitionError.invalid(ValidationFailure([FieldError(field, .required)]))) {
                try Lifecycle.decide(action, on: report(state), by: pemkabAdmin)
            }
        }
        #expect(throws: TransitionError.invalid(ValidationFailure([FieldError("text", .tooLong, limit: 10_000)]))) {
            try Lifecycle.decide(.answer(text: String(repeating: "a", count: 10_001)), on: report(.dispatched), by: liaison)
        }
        #expect(throws: TransitionError.rejected(.correct, .nothingToCorrect)) {
            try Lifecycle.decide(.correct(ReportCorrection()), on: report(.dispatched), by: pemkabAdmin)
        }
    }

    @Test func textIsCleanedBeforeItIsKept() throws {
        let answer = try Lifecycle.decide(
            .answer(text: "  Sudah\r\n\r\n\r\n\r\ndiperbaiki\u{202E}  "), on: report(.dispatched), by: liaison)
        #expect(answer.note == "Sudah\n\ndiperbaiki")
        let corrected = try Lifecycle.decide(
            .correct(ReportCorrection(title: "  Jalan   rusak  ", tags: ["Jalan", "jalan", " Banjir "])),
            on: report(.dispatched), by: pemkabAdmin)
        #expect(corrected.action == .correct(ReportCorrection(title: "Jalan rusak", tags: ["jalan", "banjir"])))
    }
}

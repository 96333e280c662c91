import Fluent

/// Every schema step, in order. A step is never edited once it has landed; a change is a new step.
enum TanggapMigrations {
    static let all: [any Migration] = [
        M0001_CreateInstitutions(),
        M0002_CreateReferenceData(),
        M0003_CreatePeople(),
        M0004_CreateReports(),
        M0005_CreateReportHistory(),
        M0006_CreateAttachmentsAndCorrections(),
        M0007_ProtectHistory(),
        M0008_CreateWebSessions(),
        M0009_AddReportDeadlines(),
        M0010_CreateCalendarsAndLimits(),
        M0011_CreateJobs(),
        M0012_CreatePublicParticipation(),
        M0013_CreateChannels(),
        M0014_CreateReplyTemplates(),
        M0015_CreateAdminAudit(),
        M0016_IndexPathPrefixes(),
        M0017_IndexReporterLookups(),
        M0018_CreateReportTallies(),
        M0019_IndexReportText(),
        M0020_IndexWeeklyAnswers(),
        M0021_IndexHeldWork(),
        M0022_IndexOpenReportText(),
        M0023_KeepSearchVocabulary(),
        M0024_CoverStageDeadlines(),
        M0025_IndexOpenReportHolders(),
        M0026_WeighCommentFlags(),
        M0027_AddReadinessProbe(),
        M0028_CreateIdentityReveals(),
        M0029_CreateSecondFactors(),
        M0030_ProtectAccounts(),
        M0031_RecordErasures(),
        M0032_CreatePasswordResets(),
    ]
}

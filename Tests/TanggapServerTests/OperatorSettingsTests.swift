import Foundation
import Testing

@testable import TanggapServer

/// What an operator sets and reads back at start: the metrics token's floor, and the start line's database
/// without its credentials, however many servers its URL lists.
@Suite struct OperatorSettingsTests {
    @Test(arguments: ["pendek", "enam belas huruf", "tab\tdi-dalam-token-ini"])
    func aMetricsTokenTooShortOrWithSpacesIsRefused(_ token: String) {
        #expect {
            try Settings.fromEnvironment(["TANGGAP_METRICS_TOKEN": token])
        } throws: { "\($0)".contains("TANGGAP_METRICS_TOKEN") }
    }

    @Test func aMetricsTokenOfSixteenVisibleCharactersIsTaken() throws {
        #expect(try Settings.fromEnvironment(["TANGGAP_METRICS_TOKEN": "enambelas-huruf!"]).metricsToken == "enambelas-huruf!")
    }

    @Test func theDatabaseIsNamedWithoutItsCredentials() {
        let single = DatabaseLocation.postgres(url: "postgres://tanggap:rahasia@db.kota.go.id:5433/lapor?sslmode=require")
        #expect(single.summary == "PostgreSQL db.kota.go.id:5433/lapor")
        let standbys = DatabaseLocation.postgres(url: "postgres://tanggap:rahasia@db1:5432,db2:5432/lapor", schema: "uji")
        #expect(standbys.summary == "PostgreSQL db1:5432,db2:5432/lapor (schema uji)")
        #expect(DatabaseLocation.sqlite(path: "data/tanggap.sqlite").summary == "SQLite data/tanggap.sqlite")
    }
}

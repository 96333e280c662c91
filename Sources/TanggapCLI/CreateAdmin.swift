import ArgumentParser
import Foundation
import TanggapServer
import Vapor

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create a national admin (and the national institution, on a new database).",
        discussion:
            "The password is read from TANGGAP_ADMIN_PASSWORD, or asked for on the terminal; it is never an argument, so it stays out of shell histories."
    )

    @ArgumentParser.Option(help: "The admin's e-mail address (their login).") var email: String
    @ArgumentParser.Option(help: "The admin's name.") var name = "Admin Nasional"
    @ArgumentParser.Option(help: "The national institution's name, if the database has none yet.") var institution = "Pengelola Nasional"

    func run() async throws {
        let password = try readPassword()
        try await Runtime.withApplication { app, settings in
            let user = try await TanggapServer.createNationalAdmin(
                name: name, email: email, password: password, nationalInstitution: institution, app: app)
            say("Created national admin \(user.email) (id \(user.id)).")
        }
    }

    private func readPassword() throws -> String {
        if let password = ProcessInfo.processInfo.environment["TANGGAP_ADMIN_PASSWORD"], !password.isEmpty { return password }
        guard let password = getpass("Password for \(email): ").map({ String(cString: $0) }), !password.isEmpty else {
            throw ArgumentParser.ValidationError("no password given (set TANGGAP_ADMIN_PASSWORD or type one)")
        }
        return password
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import reference data from CSV.",
        discussion: """
            categories: `category,subcategory` rows. regions: `province,province_iso,regency_or_city,kind,seat` rows.
            holidays: `date,name` rows, national by default; --kind cuti_bersama for collective leave, --institution ID for
            an institution's own days (they apply to its whole subtree).
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case categories, regions, holidays
    }

    @ArgumentParser.Argument(help: "What the file holds: categories, regions or holidays.") var kind: Kind
    @ArgumentParser.Argument(help: "The CSV file.") var file: String
    @ArgumentParser.Option(help: "For holidays: national, cuti_bersama or local.") var holidayKind = "national"
    @ArgumentParser.Option(help: "For holidays: the institution they belong to (default: the national calendar).") var institution: Int64?

    func run() async throws {
        try await Runtime.withApplication { app, _ in
            let counts =
                switch kind {
                case .categories: try await ReferenceDataImporter.importCategories(from: file, on: app.db)
                case .regions: try await ReferenceDataImporter.importRegions(from: file, on: app.db)
                case .holidays: try await TanggapServer.importHolidays(from: file, kind: holidayKind, institutionID: institution, app: app)
                }
            say("\(kind.rawValue): \(counts)")
        }
    }
}

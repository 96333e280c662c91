import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Dated days off: national ones (no institution) and those an institution adds for its own subtree.
enum HolidayStore {
    struct StoredHoliday: Decodable, Sendable {
        let id: Int64
        let institution_id: Int64?
        let date: String
        let name: String
        let kind: String
    }

    /// Every holiday that applies below `holder`: the national ones and those set anywhere on its path.
    static func holidays(onPath holder: InstitutionPath, on db: any Database) async throws -> [Holiday] {
        let rows = try await db.sql.select().columns("id", "institution_id", "date", "name", "kind").from("holidays")
            .where { $0.where("institution_id", .is, SQLLiteral.null).orWhere("institution_id", .in, holder.ids) }
            .all(decoding: StoredHoliday.self)
        return rows.compactMap(\.holiday)
    }

    /// The holidays set on one institution (nil: the national ones), in a date range.
    static func list(institutionID: Int64?, from: LocalDate, to: LocalDate, on db: any Database) async throws -> [StoredHoliday] {
        var query = db.sql.select().columns("id", "institution_id", "date", "name", "kind").from("holidays")
            .where("date", .greaterThanOrEqual, SQLBind(from.iso)).where("date", .lessThanOrEqual, SQLBind(to.iso))
        query =
            institutionID.map { query.where("institution_id", .equal, SQLBind($0)) } ?? query.where("institution_id", .is, SQLLiteral.null)
        return try await query.orderBy("date").all(decoding: StoredHoliday.self)
    }

    /// Adds a holiday, or renames it when the day is already one; returns its id.
    @discardableResult
    static func upsert(_ holiday: Holiday, institutionID: Int64?, now: Date, on db: any Database) async throws -> Int64 {
        var existing = db.sql.select().column("id").from("holidays").where("date", .equal, SQLBind(holiday.date.iso))
        existing =
            institutionID.map { existing.where("institution_id", .equal, SQLBind($0)) }
            ?? existing.where("institution_id", .is, SQLLiteral.null)
        struct ID: Decodable { let id: Int64 }
        if let found = try await existing.first(decoding: ID.self) {
            try await db.sql.update("holidays").set("name", to: SQLBind(holiday.name)).set("kind", to: SQLBind(holiday.kind.rawValue))
                .where("id", .equal, SQLBind(found.id)).run()
            return found.id
        }
        let inserted = try await db.sql.insert(into: "holidays").columns("institution_id", "date", "name", "kind", "created_at")
            .values(SQLBind(institutionID), SQLBind(holiday.date.iso), SQLBind(holiday.name), SQLBind(holiday.kind.rawValue), SQLBind(now))
            .returning("id").first(decoding: ID.self)
        return inserted!.id
    }

    static func delete(id: Int64, institutionID: Int64?, on db: any Database) async throws -> Bool {
        var query = db.sql.delete(from: "holidays").where("id", .equal, SQLBind(id))
        query =
            institutionID.map { query.where("institution_id", .equal, SQLBind($0)) } ?? query.where("institution_id", .is, SQLLiteral.null)
        struct ID: Decodable { let id: Int64 }
        return try await query.returning("id").first(decoding: ID.self) != nil
    }

    /// Reads `date,name` rows (the shipped national calendar, or a file of cuti bersama or local days).
    static func importCSV(
        _ path: String, kind: HolidayKind, institutionID: Int64?, now: Date, on db: any Database
    ) async throws -> ReferenceDataImporter.Counts {
        let table = try CSVReader.read(path, requiring: ["date", "name"])
        return try await db.transaction { db in
            var counts = ReferenceDataImporter.Counts()
            for (index, row) in table.rows.enumerated() {
                guard let date = LocalDate(iso: row["date"] ?? ""), let name = row["name"], !name.isEmpty else {
                    counts.warnings.append("line \(index + 2): not a date and a name; skipped")
                    continue
                }
                let before = try await list(institutionID: institutionID, from: date, to: date, on: db).count
                try await upsert(
                    Holiday(date: date, name: TextNormalizer.singleLine(name), kind: kind), institutionID: institutionID, now: now, on: db)
                if before == 0 { counts.added += 1 } else { counts.existing += 1 }
            }
            return counts
        }
    }
}

extension HolidayStore.StoredHoliday {
    var holiday: Holiday? {
        guard let date = LocalDate(iso: date), let kind = HolidayKind(rawValue: kind) else { return nil }
        return Holiday(date: date, name: name, kind: kind)
    }
}

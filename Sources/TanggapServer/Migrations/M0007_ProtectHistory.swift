import Fluent
import SQLKit

/// History is never rewritten (ARCHITECTURE.md, principle 3): the database itself refuses to change or delete
/// an event or a correction, or to touch the reporter's original words, whatever code asks.
struct M0007_ProtectHistory: AsyncMigration {
    var name: String { "M0007_ProtectHistory" }

    static let originalColumns = [
        "original_title", "original_classification", "original_category_id",
        "original_subcategory_id", "body", "tracking_id", "created_at",
    ]

    func prepare(on database: any Database) async throws {
        for statement in database.isPostgres ? postgres : sqlite {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    private var changedOriginal: String {
        Self.originalColumns.map { "NEW.\($0) IS DISTINCT FROM OLD.\($0)" }.joined(separator: " OR ")
    }

    private var sqlite: [String] {
        let changed = Self.originalColumns.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ")
        return ["report_events", "report_corrections"].flatMap { table in
            ["UPDATE", "DELETE"].map { operation in
                """
                CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
                """
            }
        } + [
            """
            CREATE TRIGGER reports_keep_original BEFORE UPDATE ON reports WHEN \(changed)
            BEGIN SELECT RAISE(ABORT, 'the reporter''s original text never changes'); END
            """,
            "CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports BEGIN SELECT RAISE(ABORT, 'reports are kept'); END",
        ]
    }

    private var postgres: [String] {
        [
            """
            CREATE FUNCTION tanggap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
            """,
            """
            CREATE FUNCTION tanggap_keep_original() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF \(changedOriginal) THEN
                RAISE EXCEPTION 'the reporter''s original text never changes';
              END IF;
              RETURN NEW;
            END $$
            """,
            "CREATE TRIGGER report_events_append_only BEFORE UPDATE OR DELETE ON report_events FOR EACH ROW EXECUTE FUNCTION tanggap_append_only()",
            "CREATE TRIGGER report_corrections_append_only BEFORE UPDATE OR DELETE ON report_corrections FOR EACH ROW EXECUTE FUNCTION tanggap_append_only()",
            "CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports FOR EACH ROW EXECUTE FUNCTION tanggap_append_only()",
            "CREATE TRIGGER reports_keep_original BEFORE UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION tanggap_keep_original()",
        ]
    }

    func revert(on database: any Database) async throws {
        let statements =
            database.isPostgres
            ? [
                "DROP TRIGGER reports_keep_original ON reports", "DROP TRIGGER reports_no_delete ON reports",
                "DROP TRIGGER report_corrections_append_only ON report_corrections",
                "DROP TRIGGER report_events_append_only ON report_events",
                "DROP FUNCTION tanggap_keep_original()", "DROP FUNCTION tanggap_append_only()",
            ]
            : [
                "DROP TRIGGER reports_keep_original", "DROP TRIGGER reports_no_delete",
                "DROP TRIGGER report_events_no_update", "DROP TRIGGER report_events_no_delete",
                "DROP TRIGGER report_corrections_no_update", "DROP TRIGGER report_corrections_no_delete",
            ]
        for statement in statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }
}

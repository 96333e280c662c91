import Foundation
import Testing

@testable import TanggapCore
@testable import TanggapServer

/// The portal's forms are read into the API's request types; what a person types is text, and only text that is
/// not the number it should be is an error.
@Suite struct FormFieldsTests {
    @Test func numbersCheckBoxesAndBlanksAreReadFromTheirText() throws {
        let submission = try FormFields([
            "title": "Jalan rusak", "body": "  ", "region_id": " 32 ", "latitude": "-6,9", "longitude": "107.6",
            "is_anonymous": "on", "category_id": "", "unknown_field": "ignored",
        ]).decode(ReportSubmission.self)
        #expect(submission.title == "Jalan rusak" && submission.body == nil, "a blank field is one not given")
        #expect(submission.regionID == 32 && submission.latitude == -6.9 && submission.longitude == 107.6)
        #expect(submission.isAnonymous && !submission.isConfidential && submission.categoryID == nil)
    }

    @Test func textThatIsNotTheNumberItShouldBeIsAnErrorOfEachSuchField() throws {
        let hostile = "<script>alert(1)</script>"
        do {
            _ = try FormFields(["latitude": hostile, "region_id": "-3", "category_id": "12; DROP TABLE reports", "title": hostile])
                .decode(ReportSubmission.self)
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            #expect(Set(failure.errors.map(\.field)) == ["latitude", "region_id", "category_id"])
            #expect(failure.errors.allSatisfy { $0.code == .invalid })
        }
        // Numbers from an action's form too; an id that is not one is refused, not dropped.
        #expect(try FormFields(["institution_id": "7", "note": ""]).decode(ActionRequest.self).institutionID == 7)
        #expect(throws: ValidationFailure.self) { try FormFields(["institution_id": "tujuh"]).decode(ActionRequest.self) }
    }

    @Test func theFieldsAreKeptAsTypedForTheFormToComeBack() throws {
        var fields = FormFields(["title": " <b>as typed</b> "])
        fields["classification"] = "aspirasi"
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(fields)) as? [String: String]
        #expect(json == ["title": " <b>as typed</b> ", "classification": "aspirasi"])
    }
}

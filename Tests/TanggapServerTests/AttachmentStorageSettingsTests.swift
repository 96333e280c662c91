import Foundation
import Testing

@testable import TanggapServer

/// `TANGGAP_ATTACHMENTS_URL` and its companions: a bucket is named exactly, a half-configured one fails at start
/// with the variable to fix, and the folder stays the default.
@Suite struct AttachmentStorageSettingsTests {
    static let keys = ["TANGGAP_S3_ACCESS_KEY_ID": "AKIDEXAMPLE", "TANGGAP_S3_SECRET_ACCESS_KEY": "rahasia"]

    @Test func theFolderIsTheDefault() throws {
        guard case .folder = try Settings.fromEnvironment([:]).attachmentStorage else {
            Issue.record("expected the folder")
            return
        }
    }

    @Test func aBucketWithItsPrefixEndpointAndKeys() throws {
        let env = Self.keys.merging(
            [
                "TANGGAP_ATTACHMENTS_URL": "s3://lampiran-kota/produksi/berkas/", "TANGGAP_S3_ENDPOINT": "http://127.0.0.1:9000/",
                "TANGGAP_S3_REGION": "ap-southeast-3",
            ]) { $1 }
        guard case .s3(let s3) = try Settings.fromEnvironment(env).attachmentStorage else {
            Issue.record("expected a bucket")
            return
        }
        #expect(s3.bucket == "lampiran-kota" && s3.prefix == "produksi/berkas" && s3.endpoint == "http://127.0.0.1:9000")
        #expect(s3.region == "ap-southeast-3" && s3.credentials.accessKeyID == "AKIDEXAMPLE")
        #expect(AttachmentStorage.s3(s3).summary == "s3://lampiran-kota/produksi/berkas at http://127.0.0.1:9000")
    }

    @Test func awsDefaultsWhenOnlyTheBucketIsGiven() throws {
        let env = ["TANGGAP_ATTACHMENTS_URL": "s3://lampiran", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]
        guard case .s3(let s3) = try Settings.fromEnvironment(env).attachmentStorage else {
            Issue.record("expected a bucket")
            return
        }
        #expect(s3.endpoint == "https://s3.us-east-1.amazonaws.com" && s3.prefix == "")
    }

    @Test(arguments: [
        ["TANGGAP_ATTACHMENTS_URL": "/var/lib/tanggap/berkas"],  // a folder is not a URL: the folder is the default
        ["TANGGAP_ATTACHMENTS_URL": "s3://Huruf_Besar/x"],
        ["TANGGAP_ATTACHMENTS_URL": "s3://ab"],
        ["TANGGAP_ATTACHMENTS_URL": "s3://lampiran", "TANGGAP_S3_ENDPOINT": "ftp://127.0.0.1"],
        ["TANGGAP_ATTACHMENTS_URL": "s3://lampiran", "TANGGAP_S3_ENDPOINT": "http://127.0.0.1:9000/jalur"],
    ])
    func malformedIsRefused(_ env: [String: String]) {
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(Self.keys.merging(env) { $1 }) }
    }

    @Test func aBucketWithoutKeysIsRefusedNamingWhatIsMissing() {
        #expect {
            try Settings.fromEnvironment(["TANGGAP_ATTACHMENTS_URL": "s3://lampiran"])
        } throws: { "\($0)".contains("TANGGAP_S3_ACCESS_KEY_ID") }
    }
}

import Foundation
import MessageSignatures

/// Where attachment files are kept: a folder under the data directory (the default), or a bucket on S3 or any
/// S3-compatible store, so that servers on different machines share nothing but the database and the bucket.
public enum AttachmentStorage: Sendable {
    case folder
    case s3(S3Settings)

    /// For the start line and `tanggap verify`: never a key.
    public var summary: String {
        switch self {
        case .folder: "folder"
        case .s3(let s3): "s3://\(s3.bucket)/\(s3.prefix) at \(s3.endpoint)"
        }
    }

    /// `TANGGAP_ATTACHMENTS_URL=s3://bucket/prefix`, with `TANGGAP_S3_ENDPOINT`, `TANGGAP_S3_REGION`,
    /// `TANGGAP_S3_ACCESS_KEY_ID`, `TANGGAP_S3_SECRET_ACCESS_KEY` and optionally `TANGGAP_S3_SESSION_TOKEN`
    /// (the `AWS_*` names of the same are taken too).
    static func read(_ reader: EnvironmentReader) throws -> AttachmentStorage {
        guard let url = reader.string("TANGGAP_ATTACHMENTS_URL") else { return .folder }
        guard url.hasPrefix("s3://") else {
            throw SettingsError.invalid("TANGGAP_ATTACHMENTS_URL", "s3://bucket/prefix, or unset for the folder")
        }
        let path = url.dropFirst("s3://".count)
        let bucket = String(path.prefix { $0 != "/" })
        let prefix = path.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
        guard S3Settings.isBucketName(bucket) else {
            throw SettingsError.invalid("TANGGAP_ATTACHMENTS_URL", "a bucket name of 3–63 lower-case letters, digits, dots and hyphens")
        }
        let region = reader.string("TANGGAP_S3_REGION") ?? reader.string("AWS_REGION") ?? "us-east-1"
        let endpoint = reader.string("TANGGAP_S3_ENDPOINT") ?? "https://s3.\(region).amazonaws.com"
        guard let parsed = URL(string: endpoint), ["http", "https"].contains(parsed.scheme), parsed.host != nil,
            parsed.path.isEmpty || parsed.path == "/", parsed.query == nil
        else { throw SettingsError.invalid("TANGGAP_S3_ENDPOINT", "http(s)://host[:port] of the S3 service, without a path") }
        guard let keyID = reader.string("TANGGAP_S3_ACCESS_KEY_ID") ?? reader.string("AWS_ACCESS_KEY_ID"),
            let secret = reader.string("TANGGAP_S3_SECRET_ACCESS_KEY") ?? reader.string("AWS_SECRET_ACCESS_KEY")
        else {
            throw SettingsError.invalid(
                "TANGGAP_S3_ACCESS_KEY_ID", "required, with TANGGAP_S3_SECRET_ACCESS_KEY, for an s3:// attachments URL")
        }
        let token = reader.string("TANGGAP_S3_SESSION_TOKEN") ?? reader.string("AWS_SESSION_TOKEN")
        return .s3(
            S3Settings(
                endpoint: endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint, bucket: bucket, prefix: prefix, region: region,
                credentials: .init(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)))
    }
}

/// A bucket reached by path-style addresses (`endpoint/bucket/key`), which AWS and every compatible store answer.
public struct S3Settings: Sendable {
    public var endpoint: String
    public var bucket: String
    /// Every object's key starts with it (no leading or trailing slash); empty for the bucket's root.
    public var prefix: String
    public var region: String
    public var credentials: SignatureV4.Credentials

    public init(endpoint: String, bucket: String, prefix: String, region: String, credentials: SignatureV4.Credentials) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.credentials = credentials
    }

    static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D }
    }
}

import Foundation
import MessageSignatures
import Testing

/// AWS's published Signature Version 4 examples, byte for byte: cases from the SigV4 test suite
/// (`aws-sig-v4-test-suite`, credentials AKIDEXAMPLE, 2015-08-30 12:36:00 UTC, us-east-1, service `service`)
/// and the S3 API reference's header-signing examples (AKIAIOSFODNN7EXAMPLE, 2013-05-24, us-east-1, `s3`).
@Suite struct SignatureV4Tests {
    static let suite = SignatureV4(
        credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
    static let host = ("Host", "example.amazonaws.com")

    static let s3 = SignatureV4(
        credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let path: String
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
        var body = ""
        let signature: String
        var testDescription: String { name }
    }

    static let suiteCases: [Case] = [
        Case(name: "get-vanilla", method: "GET", path: "/", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Case(
            name: "get-vanilla-query-order-key-case", method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")],
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Case(
            name: "get-vanilla-query-unreserved", method: "GET", path: "/",
            query: [
                (
                    "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                    "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                )
            ], signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        Case(
            name: "get-vanilla-utf8-query", method: "GET", path: "/", query: [("ሴ", "bar")],
            signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        Case(name: "get-utf8", method: "GET", path: "/ሴ", signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        Case(
            name: "get-space", method: "GET", path: "/example space/",
            signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        Case(
            name: "get-header-value-trim", method: "GET", path: "/",
            headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Case(
            name: "post-vanilla-query", method: "POST", path: "/", query: [("Param1", "value1")],
            signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        Case(
            name: "post-x-www-form-urlencoded", method: "POST", path: "/", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "Param1=value1", signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
    ]

    @Test(arguments: suiteCases) func theTestSuite(_ example: Case) {
        let headers = Self.suite.sign(
            method: example.method, path: example.path, query: example.query, headers: [Self.host] + example.headers,
            payloadHash: SignatureV4.payloadHash(Data(example.body.utf8)), at: Self.suiteDate)
        let authorization = headers.first { $0.0 == "authorization" }?.1 ?? ""
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="))
        #expect(authorization.hasSuffix("Signature=\(example.signature)"))
        #expect(headers.contains { $0 == ("x-amz-date", "20150830T123600Z") })
    }

    /// get-vanilla's canonical request, line for line (`get-vanilla.creq`).
    @Test func theCanonicalRequest() {
        let canonical = Self.suite.canonicalRequest(
            method: "GET", path: "/", query: [], headers: [Self.host, ("X-Amz-Date", "20150830T123600Z")],
            payloadHash: SignatureV4.emptyPayloadHash)
        #expect(
            canonical.request == """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
    }

    /// The S3 reference's GET Object (with a Range), PUT Object (a `$` in the key, a body) and list-objects examples.
    @Test func theS3Examples() {
        let host = ("Host", "examplebucket.s3.amazonaws.com")
        func signature(
            _ method: String, _ path: String, query: [(String, String)] = [], _ headers: [(String, String)], body: String = ""
        )
            -> String
        {
            let hash = SignatureV4.payloadHash(Data(body.utf8))
            let signed = Self.s3.sign(
                method: method, path: path, query: query, headers: [host, ("x-amz-content-sha256", hash)] + headers, payloadHash: hash,
                at: Self.s3Date)
            return String(signed.first { $0.0 == "authorization" }!.1.split(separator: "=").last!)
        }
        #expect(
            signature("GET", "/test.txt", [("Range", "bytes=0-9")]) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            signature(
                "PUT", "/test$file.text", [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                body: "Welcome to Amazon S3.") == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        #expect(
            signature("GET", "/", query: [("max-keys", "2"), ("prefix", "J")], [])
                == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    /// A temporary credential's token is sent and signed; a changed body is a changed signature.
    @Test func aSessionTokenAndTheBodyAreSigned() {
        let withToken = SignatureV4(
            credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token/with+chars"), region: "auto",
            service: "s3")
        let signed = withToken.sign(
            method: "PUT", path: "/b/k", headers: [("host", "h")], payloadHash: String(repeating: "a", count: 64), at: Self.s3Date)
        #expect(signed.contains { $0 == ("x-amz-security-token", "token/with+chars") })
        #expect(signed.last!.1.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        let other = withToken.sign(
            method: "PUT", path: "/b/k", headers: [("host", "h")], payloadHash: String(repeating: "b", count: 64), at: Self.s3Date)
        #expect(signed.last!.1 != other.last!.1)
    }

    @Test func encodingIsRFC3986() {
        #expect(SignatureV4.encode("a b+c/d~e") == "a%20b%2Bc%2Fd~e")
        #expect(SignatureV4.encode("ключ") == "%D0%BA%D0%BB%D1%8E%D1%87")
    }
}

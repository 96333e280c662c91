// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tanggap",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tanggap", targets: ["tanggap"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),
    ],
    targets: [
        // The rules: pure Swift, no I/O, no framework.
        .target(name: "TanggapCore"),
        // Image containers read and rewritten without their metadata: pure Swift, no dependency.
        .target(name: "ImageMetadata"),
        // QR codes drawn as SVG (the second factor's enrolment): pure Swift, no dependency.
        .target(name: "QRCode"),
        // HTTP Message Signatures (RFC 9421, Ed25519) and Content-Digest (RFC 9530), for instances signing what they send.
        .target(
            name: "MessageSignatures",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ]
        ),
        // The Vapor application around the core.
        .target(
            name: "TanggapServer",
            dependencies: [
                "TanggapCore",
                "ImageMetadata",
                "QRCode",
                "MessageSignatures",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ]
        ),
        // The `tanggap` command line: serve, migrate, create-admin, import, seed-demo.
        .target(
            name: "TanggapCLI",
            dependencies: [
                "TanggapCore",
                "TanggapServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ]
        ),
        .executableTarget(
            name: "tanggap",
            dependencies: ["TanggapCLI", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "TanggapCoreTests", dependencies: ["TanggapCore"]),
        .testTarget(name: "ImageMetadataTests", dependencies: ["ImageMetadata"], exclude: ["Fixtures"]),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"]),
        .testTarget(
            name: "MessageSignaturesTests",
            dependencies: ["MessageSignatures", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "TanggapServerTests",
            dependencies: [
                "TanggapServer",
                "TanggapCLI",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)

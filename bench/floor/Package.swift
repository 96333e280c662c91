// swift-tools-version:6.0
// The framework alone, for bench/intake-floor: Vapor answering the intake load's request with a receipt of the same
// shape, and nothing of Tanggap. Not part of the product; built only by that script.
import PackageDescription

let package = Package(
    name: "floor",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(name: "floor", dependencies: [
            .product(name: "Vapor", package: "vapor"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)

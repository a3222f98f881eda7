// swift-tools-version:6.2
import PackageDescription

/// Two servers, the `gatehouse` command line, and the code they must agree on. Each program's code is a library
/// (`Core/`) behind a thin executable (`Entry/`), so tests drive it in process and the binaries stay one file each.
/// The service desk is a library of its own whose tools the resource-server mounts; `ToolKit` is what the
/// two share: what a tool is, what a call of it carries, and the audit entry every call leaves.
let package = Package(
    name: "Gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "auth-server", targets: ["AuthServer"]),
        .executable(name: "resource-server", targets: ["ResourceServer"]),
        .executable(name: "gatehouse", targets: ["GatehouseCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CArgon2", path: "Sources/CArgon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQRencode", path: "Sources/CQRencode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "QRCode", dependencies: ["CQRencode"]),
        .target(
            name: "Shared",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "AuthServerCore",
            dependencies: [
                "Shared", "CArgon2", "QRCode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/AuthServer/Core",
            resources: [.copy("Pages/Templates"), .copy("Pages/Assets")]
        ),
        .executableTarget(name: "AuthServer", dependencies: ["AuthServerCore"], path: "Sources/AuthServer/Entry"),
        .target(
            name: "ToolKit",
            dependencies: [
                "Shared",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ServiceDesk",
            dependencies: [
                "Shared", "ToolKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "ResourceServerCore",
            dependencies: [
                "Shared", "ToolKit", "ServiceDesk",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/ResourceServer/Core"
        ),
        .executableTarget(name: "ResourceServer", dependencies: ["ResourceServerCore"], path: "Sources/ResourceServer/Entry"),
        // The command line: a client of the servers, on Shared and the HTTP client; no server code in it.
        .target(
            name: "GatehouseCLICore",
            dependencies: [
                "Shared", "QRCode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/CLI/Core"
        ),
        .executableTarget(name: "GatehouseCLI", dependencies: ["GatehouseCLICore"], path: "Sources/CLI/Entry"),
        // What several test targets need and no program does: the PostgreSQL server the PostgreSQL suites use, requests
        // with a chosen Host.
        .target(
            name: "TestSupport",
            dependencies: [
                "Shared", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "SharedTests", dependencies: ["Shared", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .testTarget(name: "GatehouseCLITests", dependencies: ["GatehouseCLICore"]),
        .testTarget(
            name: "AuthServerTests",
            dependencies: [
                "AuthServerCore", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ServiceDeskTests",
            dependencies: [
                "ServiceDesk", "ToolKit", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ResourceServerTests",
            dependencies: [
                // AuthServerCore: the auth-server's admin client is tested against this server in process.
                "ResourceServerCore", "ToolKit", "ServiceDesk", "AuthServerCore", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)

/// The fuzz harnesses (Fuzz/Targets/<name>/, one libFuzzer entry point each), only when Deploy/fuzz builds
/// with GATEHOUSE_FUZZ set: the normal build and `swift test` never see them. Only our own modules get the
/// fuzzer's coverage and AddressSanitizer: coverage of NIO or Foundation would only steer the fuzzer away
/// from our parsers.
if Context.environment["GATEHOUSE_FUZZ"] != nil {
    let sanitizers = ["-sanitize=fuzzer,address"]
    for target in package.targets where ["Shared", "AuthServerCore", "ResourceServerCore"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(sanitizers)]
    }
    let harnesses: [(name: String, dependencies: [Target.Dependency])] = [
        ("jsonrpc-body", ["ResourceServerCore"]),
        ("access-token", ["Shared", .product(name: "Crypto", package: "swift-crypto")]),
        ("personal-access-token", ["Shared"]),
        ("authorization-request", ["AuthServerCore", "Shared"]),
        ("client-metadata-document", ["AuthServerCore"]),
        ("registration-request", ["AuthServerCore", "Shared"]),
    ]
    package.targets += [
        .target(name: "CLibFuzzer", path: "Fuzz/Driver/CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"], path: "Fuzz/Driver/FuzzDriver"),
    ]
    for harness in harnesses {
        package.targets.append(
            .executableTarget(
                name: "fuzz-\(harness.name)", dependencies: harness.dependencies + ["FuzzDriver"], path: "Fuzz/Targets/\(harness.name)",
                swiftSettings: [.unsafeFlags(sanitizers)], linkerSettings: [.unsafeFlags(sanitizers)]
            )
        )
    }
}

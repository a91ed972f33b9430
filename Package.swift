// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "newswatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "newswatch", targets: ["newswatch"]),
        .library(name: "NewswatchCore", targets: ["NewswatchCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // Small async HTTP server: the offline demo's news site and webhook receiver.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
    ],
    targets: [
        // Thin C shims, one per library; nothing outside NewswatchCore's interop files sees them.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(
            name: "NewswatchCore",
            dependencies: [
                "CCurl", "CLibXML2", "CZlib", "CCrypto", "CSQLite", "CPostgres",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "NewswatchDemo",
            dependencies: ["NewswatchCore", .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        // The read-only web view and Atom feeds (`newswatch serve`), on FlyingFox.
        .target(
            name: "NewswatchWeb",
            dependencies: ["NewswatchCore", .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "newswatch",
            dependencies: [
                "NewswatchCore", "NewswatchDemo", "NewswatchWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks: `swift run -c release newswatch-bench --help`.
        .executableTarget(
            name: "newswatch-bench",
            dependencies: ["NewswatchCore", "NewswatchDemo", "NewswatchWeb", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "NewswatchCoreTests",
            dependencies: ["NewswatchCore", "NewswatchDemo", "NewswatchWeb"],
            exclude: ["Fixtures"]
        ),
    ]
)

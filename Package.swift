// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "newswatch",
    platforms: [.macOS(.v13)],
    products: [
        // `newswatch` is a small launcher: it answers `diff --no-index` and `--version` itself
        // and runs `newswatch-core` (installed beside it) for everything else.
        .executable(name: "newswatch", targets: ["newswatch"]),
        .executable(name: "newswatch-core", targets: ["newswatch-core"]),
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
        // No Foundation and no C library: what the launcher needs (line diff, version), so it
        // starts in a millisecond instead of the ten the full program's libraries take to load.
        .target(
            name: "NewswatchBase",
            dependencies: ["CPrefetch"],
            // Optimised in debug builds too: `diff --no-index` from .build/debug would otherwise
            // take 47 ms where the release build takes 4.5 (its loops are all of its time).
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // A compiler builtin Swift does not expose (no library behind it).
        .target(name: "CPrefetch"),
        .target(
            name: "NewswatchCore",
            dependencies: [
                "NewswatchBase", "CCurl", "CLibXML2", "CZlib", "CCrypto", "CSQLite", "CPostgres",
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
            dependencies: ["NewswatchBase"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))],
            // Linked fully statically: no dynamic loader at all, 0.5 ms to start instead of 1.3 ms
            // with only the Swift runtime static. Not position-independent (glibc's static-pie
            // start-up refuses the $ORIGIN run path SwiftPM always adds), so the launcher's own
            // code sits at a fixed address; it reads only local files named on its command line
            // and hands anything from the network to newswatch-core, which keeps full ASLR.
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "newswatch-core",
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
            dependencies: ["NewswatchBase", "NewswatchCore", "NewswatchDemo", "NewswatchWeb"],
            exclude: ["Fixtures"]
        ),
    ]
)

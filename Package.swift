// swift-tools-version:6.1
import PackageDescription

/// Every target builds in the Swift 6 language mode, with strict concurrency.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "kho",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kho", targets: ["kho"]),
        // The readers the fuzzers drive (Fuzz/, scripts/fuzz).
        .library(name: "KhoFuzzing", targets: ["KhoFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The domain model, vocabularies, identifiers and text rules: no I/O policy.
        .target(
            name: "KhoCore",
            resources: [
                .embedInCode("Vocabularies/kinds.json"),
                .embedInCode("Vocabularies/platforms.json"),
                .embedInCode("Vocabularies/languages.json"),
                .embedInCode("Vocabularies/topics.json"),
                .embedInCode("Vocabularies/content-lines.json"),
                .embedInCode("Vocabularies/provinces.json"),
                .embedInCode("Vocabularies/funding.json"),
                .embedInCode("Vocabularies/countries.json"),
                .embedInCode("Vocabularies/licences.json"),
                .embedInCode("Vocabularies/retention.json"),
                .embedInCode("Profiles/vn-archive-2019.json"),
                .embedInCode("Messages/vi.json"),
                .embedInCode("Messages/en.json"),
            ],
            swiftSettings: strict
        ),
        // libmagic, wrapped as a system library (Debian: libmagic-dev).
        .systemLibrary(
            name: "CMagic",
            pkgConfig: "libmagic",
            providers: [.apt(["libmagic-dev"])]
        ),
        // Small platform calls Swift's Glibc module does not expose (sync_file_range).
        .target(name: "CKhoPlatform"),
        // The content store (content-addressed objects, streaming SHA-256) and file identification.
        .target(
            name: "KhoFiles",
            dependencies: [
                "KhoCore", "CMagic", "CKhoPlatform",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Characterisation: technical metadata read from each format's own structures.
        .target(
            name: "KhoFormats",
            dependencies: [
                "KhoCore", "CKhoPlatform", "CKhoZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
        // QR codes: libqrencode and libpng as system libraries (Debian: libqrencode-dev, libpng-dev).
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .target(name: "KhoQR", dependencies: ["KhoCore", "CQREncode", "CPNG"], swiftSettings: strict),
        // libvips, for exhibitions' web-sized images (Debian: libvips42), loaded when the first
        // image is made rather than linked (Sources/CVips/shim.h says why).
        .systemLibrary(name: "CVips", providers: [.apt(["libvips42"])]),
        .target(name: "KhoImages", dependencies: ["KhoCore", "CVips"], swiftSettings: strict),
        // zlib's CRC-32, for the ZIP archives bundles are written as (Debian: zlib1g-dev).
        .systemLibrary(name: "CKhoZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Bundles for the shared national database: BagIt 1.0 bags as folders, .zip or .tar, written and checked.
        .target(
            name: "KhoBundle",
            dependencies: [
                "KhoCore", "KhoFiles", "KhoRepository", "KhoFormats", "CKhoZlib", "CKhoPlatform",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
        // Audit reports: figures from catalogue counts, rendered as text, Markdown, CSV, JSON and HTML.
        .target(name: "KhoReports", dependencies: ["KhoCore"], swiftSettings: strict),
        // The search ranking, an FTS5 auxiliary function in C over the system SQLite.
        .target(
            name: "CKhoSearch",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")],
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // The catalogue: one façade over GRDB and the system SQLite.
        .target(
            name: "KhoStore",
            dependencies: [
                "KhoCore", "CKhoSearch", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // The national tier's catalogue: the same façade over PostgreSQL, through postgres-nio.
        .target(
            name: "KhoPostgres",
            dependencies: [
                "KhoCore", "KhoStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.embedInCode("Schema/v1-catalogue.sql"), .embedInCode("Schema/v2-search-totals.sql"),
                .embedInCode("Schema/v3-search-totals-appended.sql"),
                .embedInCode("Schema/v4-exhibitions.sql"), .embedInCode("Schema/v5-search-blocks.sql"),
                .embedInCode("Schema/v6-search-blocks-deletions.sql"),
                .embedInCode("Schema/v7-search-blocks-function.sql"),
                .embedInCode("Schema/v8-search-blocks-appended.sql"),
            ],
            swiftSettings: strict
        ),
        // A repository on disk: opening, locking, recovery, and ingest of files, folders and manifests.
        .target(
            name: "KhoRepository",
            dependencies: [
                "KhoCore", "KhoFiles", "KhoStore", "KhoPostgres", "KhoFormats",
                .product(name: "CSV", package: "CSV.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The application layer: the operations both front doors (CLI, server) call.
        .target(
            name: "KhoApp",
            dependencies: ["KhoCore", "KhoFiles", "KhoReports", "KhoRepository", "KhoBundle", "KhoFormats"],
            swiftSettings: strict
        ),
        // The command-line interface: parses, calls and prints.
        .target(
            name: "KhoCLI",
            dependencies: [
                "KhoCore", "KhoFiles", "KhoStore", "KhoPostgres", "KhoRepository", "KhoFormats", "KhoReports", "KhoQR", "KhoBundle",
                "KhoApp", "KhoServer", "KhoImages", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The web side: `kho serve` (Hummingbird 2).
        .target(
            name: "KhoServer",
            dependencies: [
                "KhoCore", "KhoApp", "KhoFiles", "KhoFormats", "KhoQR", "KhoReports", "KhoImages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            resources: [.embedInCode("API/openapi.json")],
            swiftSettings: strict
        ),
        .executableTarget(name: "kho", dependencies: ["KhoCLI"], swiftSettings: strict),
        // Entry points for the fuzzers: every reader of input someone else made (scripts/fuzz).
        .target(
            name: "KhoFuzzing",
            dependencies: ["KhoCore", "KhoFormats", "KhoBundle", "KhoRepository", "KhoServer"],
            swiftSettings: strict),
        .testTarget(name: "KhoCoreTests", dependencies: ["KhoCore"], swiftSettings: strict),
        .testTarget(name: "KhoFilesTests", dependencies: ["KhoFiles"], swiftSettings: strict),
        .testTarget(name: "KhoQRTests", dependencies: ["KhoQR"], swiftSettings: strict),
        .testTarget(name: "KhoFormatsTests", dependencies: ["KhoFormats", "KhoCore"], swiftSettings: strict),
        .testTarget(
            name: "KhoStoreTests", dependencies: ["KhoStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(name: "KhoCLITests", dependencies: ["KhoCore", "KhoTestFixtures", "kho"], swiftSettings: strict),
        .testTarget(name: "KhoFuzzingTests", dependencies: ["KhoFuzzing"], swiftSettings: strict),
        .testTarget(
            name: "KhoPostgresTests", dependencies: ["KhoPostgres", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict),
        // Repositories built through the library, for the application-layer and server tests.
        .target(
            name: "KhoTestFixtures", dependencies: ["KhoCore", "KhoRepository", "KhoPostgres"],
            path: "Tests/KhoTestFixtures",
            swiftSettings: strict),
        .testTarget(
            name: "KhoAppTests", dependencies: ["KhoApp", "KhoCore", "KhoRepository", "KhoTestFixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "KhoServerTests",
            dependencies: [
                "KhoServer", "KhoApp", "KhoCore", "KhoRepository", "KhoTestFixtures",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict),
    ]
)

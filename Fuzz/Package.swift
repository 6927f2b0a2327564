// swift-tools-version:6.1
// The fuzz binary: kho's readers (KhoFuzzing) under libFuzzer and AddressSanitizer. Built by
// scripts/fuzz with `swift build --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address`
// (swiftc keeps only the last -sanitize=, so the combined one comes last); not part of the main build.
import PackageDescription

let package = Package(
    name: "kho-fuzz",
    platforms: [.macOS(.v13)],
    // `kho` is a link to the repository, so that the package is called kho wherever it is cloned.
    dependencies: [.package(path: "kho")],
    targets: [
        .executableTarget(
            name: "kho-fuzz",
            dependencies: [.product(name: "KhoFuzzing", package: "kho")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)

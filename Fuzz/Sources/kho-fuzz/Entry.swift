import Foundation
import KhoFuzzing

/// The target, from $KHO_FUZZ_TARGET, and a scratch folder of this process for readers that take
/// a path (on /dev/shm when there is one).
nonisolated(unsafe) private var target = ""
nonisolated(unsafe) private var scratch = ""

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    target = ProcessInfo.processInfo.environment["KHO_FUZZ_TARGET"] ?? ""
    guard FuzzTargets.isKnown(target) else {
        FileHandle.standardError.write(
            Data("KHO_FUZZ_TARGET must be one of: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    scratch = "\(base)/kho-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzTargets.run(target, Data(bytes: start, count: count), scratch: scratch)
    return 0
}

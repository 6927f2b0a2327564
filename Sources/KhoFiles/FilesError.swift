import KhoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that cannot be read, written or identified, with what to do about it.
public enum FilesError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case cannotOpen(path: String, errno: Int32)
    case notRegularFile(path: String)
    case readFailed(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case changedWhileReading(path: String)
    case identificationUnavailable(reason: String)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .cannotOpen(let path, let code):
            let hint =
                code == ENOENT ? l("files.hint.path") : code == EACCES ? l("files.hint.permissions") : l("files.hint.file")
            return l("files.cannot_open", ["path": path, "reason": Self.text(code), "hint": hint])
        case .notRegularFile(let path):
            return l("files.not_regular", ["path": path])
        case .readFailed(let path, let code):
            return l("files.read_failed", ["path": path, "reason": Self.text(code)])
        case .writeFailed(let path, let code):
            let hint = code == ENOSPC ? l("files.hint.space") : l("files.hint.repository_permissions")
            return l("files.write_failed", ["path": path, "reason": Self.text(code), "hint": hint])
        case .changedWhileReading(let path):
            return l("files.changed", ["path": path])
        case .identificationUnavailable(let reason):
            return l("files.no_libmagic", ["reason": reason])
        }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that cannot be read, written or identified, with what to do about it.
public enum FilesError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, errno: Int32)
    case notRegularFile(path: String)
    case readFailed(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case changedWhileReading(path: String)
    case identificationUnavailable(reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            let hint = code == ENOENT ? "check the path" : code == EACCES ? "check its permissions" : "check the file"
            return "\(path): cannot open (\(Self.text(code))); \(hint)"
        case .notRegularFile(let path):
            return "\(path): not a regular file; give a file or a folder of files (links and devices are not ingested)"
        case .readFailed(let path, let code):
            return "\(path): read failed (\(Self.text(code))); nothing was stored, try again once the file can be read"
        case .writeFailed(let path, let code):
            let hint = code == ENOSPC ? "free disk space" : "check the repository folder's permissions"
            return "\(path): write failed (\(Self.text(code))); nothing was stored, \(hint) and run the command again"
        case .changedWhileReading(let path):
            return
                "\(path): the file changed size while it was being read; wait until it is complete and run the command again"
        case .identificationUnavailable(let reason):
            return "libmagic could not start (\(reason)); install it with `apt-get install libmagic1 libmagic-mgc`"
        }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}

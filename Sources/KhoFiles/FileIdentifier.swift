import CMagic

/// Identifies a file's type from its content with libmagic: the MIME type and a description,
/// never the extension.
///
/// It owns two libmagic handles and is not thread-safe (libmagic handles are not): use one per thread.
public final class FileIdentifier {
    private let mimeHandle: magic_t
    private let descriptionHandle: magic_t

    public init() throws(FilesError) {
        guard let mime = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR) else {
            throw .identificationUnavailable(reason: "magic_open failed")
        }
        guard let description = magic_open(MAGIC_ERROR) else {
            magic_close(mime)
            throw .identificationUnavailable(reason: "magic_open failed")
        }
        for handle in [mime, description] where magic_load(handle, nil) != 0 {
            let reason = magic_error(handle).map { String(cString: $0) } ?? "magic_load failed"
            magic_close(mime)
            magic_close(description)
            throw .identificationUnavailable(reason: reason)
        }
        // Read at most 256 KiB of each file (libmagic read 64 KiB for years, 1 MiB later; 5.41 raised it
        // to 7 MiB). Formats declare themselves near the start (ISO 9660, the deepest common one, at
        // 32 KiB), and the rules that search the buffer cost time in proportion to it.
        var bytesMax = 256 << 10
        for handle in [mime, description] { _ = magic_setparam(handle, MAGIC_PARAM_BYTES_MAX, &bytesMax) }
        mimeHandle = mime
        descriptionHandle = description
    }

    deinit {
        magic_close(mimeHandle)
        magic_close(descriptionHandle)
    }

    /// The MIME type and description of the file at `path`; `application/octet-stream` and
    /// libmagic's error text when it cannot tell.
    public func identify(_ path: String) -> (mime: String, format: String) {
        let mime = magic_file(mimeHandle, path).map { String(cString: $0) }
        let format = magic_file(descriptionHandle, path).map { String(cString: $0) }
        let problem = magic_error(mimeHandle).map { String(cString: $0) }
        return (mime ?? "application/octet-stream", format ?? problem ?? "unidentified")
    }
}

/// Path arithmetic on strings, without Foundation's `NSString` path methods: on Linux they crash
/// on a one-character path or one with a trailing slash (`deletingLastPathComponent` of "b" stops the
/// process), and a user may well name a bag `b` or a folder `in/`.
extension String {
    /// The path without trailing slashes (the root stays `/`): `a/b/` → `a/b`.
    public var withoutTrailingSlash: String { String(trimmedPath) }

    /// `name` inside this folder: `a` + `b` → `a/b`, `a/` + `b` → `a/b`, `/` + `b` → `/b`, `` + `b` → `b`.
    public func appendingPath(_ name: String) -> String {
        isEmpty ? name : hasSuffix("/") ? self + name : self + "/" + name
    }

    private var trimmedPath: Substring {
        var path = Substring(self)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        return path
    }

    /// The folder part: `a/b/c` → `a/b`, `c` → ``, `/c` → `/`, `a/b/` → `a`.
    public var parentPath: String {
        let path = trimmedPath
        guard let slash = path.lastIndex(of: "/") else { return "" }
        var parent = path[..<slash]
        while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// The last component: `a/b/c.txt` → `c.txt`, `a/b/` → `b`, `/` → `/`.
    public var fileName: String {
        let path = trimmedPath
        guard path != "/" else { return "/" }
        guard let slash = path.lastIndex(of: "/") else { return String(path) }
        return String(path[path.index(after: slash)...])
    }

    /// The path without the last component's extension: `a/b.tar` → `a/b`; `.hidden` and `a.` keep theirs.
    public var removingPathExtension: String {
        let name = fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex
        else { return String(trimmedPath) }
        return parentPath.appendingPath(String(name[..<dot]))
    }
}

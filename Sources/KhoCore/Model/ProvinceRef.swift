/// A provincial unit as registered: its code and the set (2022 or 2025) it belongs to.
public struct ProvinceRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public var code: String
    public var set: ProvinceSet

    public init(code: String, set: ProvinceSet) {
        self.code = code
        self.set = set
    }

    /// Reads the stored form `CODE@2022` or `CODE@2025`.
    public init?(qualified: String) {
        let parts = qualified.split(separator: "@")
        guard parts.count == 2, let set = ProvinceSet(rawValue: String(parts[1])) else { return nil }
        self.init(code: String(parts[0]), set: set)
    }

    /// The stored form, e.g. `binh-dinh@2022`.
    public var qualified: String { "\(code)@\(set.rawValue)" }
    public var description: String { qualified }
}

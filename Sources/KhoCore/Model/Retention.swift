import Foundation

/// How long a product is kept, by the retention schedule (`retention.json`): permanently, or
/// until a day. A product under retention is not removed without an explicit override.
public struct RetentionStatus: Sendable, Encodable, Equatable {
    public let rule: RetentionRule
    /// The last day it is kept, `YYYY-MM-DD`; nil when kept permanently.
    public let until: String?

    public var permanent: Bool { until == nil }

    /// Whether removing it on `date` breaks the schedule.
    public func holds(on date: Date) -> Bool {
        guard let until else { return true }
        return String(Timestamp.string(date).prefix(10)) <= until
    }

    /// The rule's name and, for a term, its end, in `language`.
    public func label(in language: DisplayLanguage) -> String {
        let name = rule.label(in: language)
        guard let until else { return name }
        return language == .vi ? "\(name), đến hết \(until)" : "\(name), until \(until)"
    }

    enum CodingKeys: String, CodingKey {
        case rule, label, permanent, until, basis
        case labelVi = "label_vi"
        case basisVi = "basis_vi"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule.code, forKey: .rule)
        try container.encode(rule.label, forKey: .label)
        try container.encode(rule.labelVi, forKey: .labelVi)
        try container.encode(permanent, forKey: .permanent)
        try container.encode(until, forKey: .until)
        try container.encode(rule.basis, forKey: .basis)
        try container.encode(rule.basisVi, forKey: .basisVi)
    }
}

/// What a visitor may do with a product, from the licence its rights name.
public struct ReuseTerms: Sendable, Encodable, Equatable {
    public let licence: Licence

    enum CodingKeys: String, CodingKey {
        case licence, label, url, share, adapt, commercial, attribution
        case labelVi = "label_vi"
        case shareAlike = "share_alike"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(licence.code, forKey: .licence)
        try container.encode(licence.label, forKey: .label)
        try container.encode(licence.labelVi, forKey: .labelVi)
        try container.encode(licence.url, forKey: .url)
        try container.encode(licence.share, forKey: .share)
        try container.encode(licence.adapt, forKey: .adapt)
        try container.encode(licence.commercial, forKey: .commercial)
        try container.encode(licence.attribution, forKey: .attribution)
        try container.encode(licence.shareAlike, forKey: .shareAlike)
    }

    /// One sentence for a visitor: what they may do, and on what condition.
    public func summary(in language: DisplayLanguage) -> String {
        let vi = language == .vi
        guard licence.share else {
            return vi
                ? "Không được sao chép hay tái sử dụng khi chưa được chủ sở hữu quyền cho phép."
                : "It may not be copied or re-used without the rights holder's permission."
        }
        var may = [vi ? "sao chép, chia sẻ" : "copy and share"]
        if licence.adapt { may.append(vi ? "chỉnh sửa, phái sinh" : "adapt") }
        var text =
            (vi ? "Được " : "You may ") + may.joined(separator: vi ? ", " : " and ")
            + (licence.commercial ? (vi ? ", kể cả vì mục đích thương mại" : ", also commercially") : (vi ? ", không vì mục đích thương mại" : ", not commercially"))
        var conditions: [String] = []
        if licence.attribution { conditions.append(vi ? "ghi rõ tác giả, nguồn" : "credit the author and source") }
        if licence.shareAlike { conditions.append(vi ? "chia sẻ bản phái sinh theo cùng giấy phép" : "share adaptations under the same licence") }
        if !conditions.isEmpty { text += (vi ? "; cần " : "; ") + conditions.joined(separator: vi ? " và " : " and ") }
        return text + "."
    }
}

extension Vocabulary {
    /// The retention that applies to a product: the schedule's first matching rule, counted from
    /// its publication (or, unpublished, its registration); nil when no rule matches.
    public func retention(of product: Product) -> RetentionStatus? {
        guard let rule = retentionRule(funding: product.metadata.funding, kind: product.metadata.kind) else { return nil }
        guard let years = rule.years else { return RetentionStatus(rule: rule, until: nil) }
        let start = product.metadata.published?.firstDay ?? String(Timestamp.string(product.createdAt).prefix(10))
        let year = (Int(start.prefix(4)) ?? 0) + years
        return RetentionStatus(rule: rule, until: String(format: "%04d", year) + start.dropFirst(4))
    }

    /// The re-use terms of a product whose rights name a licence; nil for none or free text.
    public func reuse(of metadata: ProductMetadata) -> ReuseTerms? {
        licence(metadata.rights).map(ReuseTerms.init)
    }
}

/// The SQL both catalogue backends share: the WHERE condition of a filter, a report's group key,
/// and the products without an intact copy. Written once, in the SQL SQLite and PostgreSQL both
/// speak, so that a filter selects the same products on either; a `Dialect` holds the two places
/// where they differ. Pure text: each backend binds the arguments (all text) its own way.
public enum CatalogueSQL {
    public struct Dialect: Sendable {
        /// The folded agency of `product p`, to match a folded pattern with LIKE.
        public let foldedAgency: String
        /// The condition that `product p` is public.
        public let isPublic: String

        public init(foldedAgency: String, isPublic: String) {
            self.foldedAgency = foldedAgency
            self.isPublic = isPublic
        }
    }

    /// `?` placeholders for `count` values, as an `IN` list.
    public static func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: count).joined(separator: ",") + ")"
    }

    /// Products all of whose files failed their last fixity check: they have no intact copy.
    public static let lostProducts = """
        SELECT f.product_id FROM product_file f
        JOIN fixity_check c ON c.sha256 = f.sha256 AND c.seq = (SELECT max(seq) FROM fixity_check WHERE sha256 = f.sha256)
        WHERE c.outcome != 'pass'
        GROUP BY f.product_id
        HAVING count(*) >= (SELECT file_count FROM product q WHERE q.id = f.product_id)
        """

    /// The WHERE condition and its arguments for a filter over `product p`.
    public static func condition(for filter: ProductFilter, _ dialect: Dialect) -> (sql: String, arguments: [String]) {
        var conditions = ["TRUE"]
        var arguments: [String] = []
        func anyOf(_ values: [String]) -> String {
            arguments += values
            return placeholders(values.count)
        }
        if !filter.kinds.isEmpty { conditions.append("p.kind IN \(anyOf(filter.kinds))") }
        if !filter.contentLines.isEmpty { conditions.append("p.content_line IN \(anyOf(filter.contentLines))") }
        for (table, values) in [
            ("product_language", filter.languages), ("product_platform", filter.platforms),
            ("product_topic", filter.topics),
        ] where !values.isEmpty {
            conditions.append(
                "EXISTS (SELECT 1 FROM \(table) x WHERE x.product_id = p.id AND x.code IN \(anyOf(values)))")
        }
        if !filter.provinces.isEmpty {
            var alternatives: [String] = []
            for province in filter.provinces {
                switch province {
                case .current(let code):
                    alternatives.append("p.province_current = ?")
                    arguments.append(code)
                case .registered(let ref):
                    alternatives.append("p.province = ?")
                    arguments.append(ref.qualified)
                }
            }
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let agency = filter.agency {
            conditions.append("p.agency IS NOT NULL AND \(dialect.foldedAgency) LIKE ? ESCAPE '\\'")
            let escaped = TextFolding.fold(agency).replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            arguments.append("%\(escaped)%")
        }
        if let from = filter.publishedFrom {
            conditions.append("p.published_first >= ?")
            arguments.append(from.firstDay)
        }
        if let to = filter.publishedTo {
            conditions.append("p.published_first <= ?")
            arguments.append(to.lastDay)
        }
        // Digitised: at least one file with content whose last fixity check, if any, passed.
        if let hasFiles = filter.hasFiles {
            conditions.append(
                hasFiles
                    ? "(p.content_files > 0 AND p.id NOT IN (\(lostProducts)))"
                    : "(p.content_files = 0 OR p.id IN (\(lostProducts)))")
        }
        if filter.publicOnly { conditions.append(dialect.isPublic) }
        if let group = filter.targetGroup {
            func digital(_ kinds: [String], _ platforms: [String]) -> String {
                let kindList = kinds.isEmpty ? "FALSE" : "p.kind IN \(anyOf(kinds))"
                let platformList =
                    platforms.isEmpty
                    ? "FALSE"
                    : "EXISTS (SELECT 1 FROM product_platform x WHERE x.product_id = p.id AND x.code IN \(anyOf(platforms)))"
                return "(\(kindList) OR \(platformList))"
            }
            switch group {
            case .ethnic: conditions.append("(p.role_mask & 1) != 0")
            case .foreign: conditions.append("(p.role_mask & 2) != 0")
            case .national: conditions.append("(p.role_mask & 4) != 0")
            case .digital(let kinds, let platforms): conditions.append(digital(kinds, platforms))
            case .any(let kinds, let platforms):
                conditions.append("((p.role_mask & 3) != 0 OR \(digital(kinds, platforms)))")
            case .books(let kinds): conditions.append(kinds.isEmpty ? "FALSE" : "p.kind IN \(anyOf(kinds))")
            }
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    /// A report's group key over `product p`, and the join it needs (topics: a product counts
    /// under each of its topics).
    public static func groupKey(_ grouping: ReportGrouping?) -> (key: String, join: String) {
        switch grouping {
        case nil: return ("''", "")
        case .province: return ("coalesce(p.province_current, '')", "")
        case .province2022: return ("coalesce(p.province, '')", "")
        case .agency: return ("coalesce(p.agency, '')", "")
        case .kind: return ("p.kind", "")
        case .contentLine: return ("coalesce(p.content_line, '')", "")
        case .year: return ("coalesce(substr(p.published, 1, 4), '')", "")
        case .half:
            return (
                """
                coalesce(substr(p.published, 1, 4) || CASE WHEN length(p.published) < 7 THEN ''
                    WHEN substr(p.published, 6, 2) <= '06' THEN '-H1' ELSE '-H2' END, '')
                """, ""
            )
        case .topic: return ("coalesce(t.code, '')", "LEFT JOIN product_topic t ON t.product_id = p.id")
        }
    }

    /// The flags a report counts a product by, but its kind's (added from the rules): 1 ethnic,
    /// 2 foreign, 4 digital (by platform), 32 digitised, 64 shared, 128 public (`ReportCounts(tally:)`).
    /// `notLost` says a product is not one of `lostProducts`: PostgreSQL gives TRUE and takes the
    /// lost products out with a second count.
    public static func flags(digitalMask: Int64, notLost: String = "p.id NOT IN (\(lostProducts))") -> String {
        """
        (p.role_mask & 3) | CASE WHEN (p.platform_mask & \(digitalMask)) != 0 THEN 4 ELSE 0 END
        | CASE WHEN p.content_files > 0 AND \(notLost) THEN 32 ELSE 0 END
        | (p.shared << 6) | (p.public << 7)
        """
    }

    /// The flags of each kind in the rules: 4 digital, 8 book, 16 e-book.
    public static func kindFlags(_ rules: ReportRules) -> [String: Int] {
        var flags: [String: Int] = [:]
        for code in rules.digitalKinds { flags[code, default: 0] |= 4 }
        for code in rules.bookKinds { flags[code, default: 0] |= 8 }
        for code in rules.ebookKinds { flags[code, default: 0] |= 16 }
        return flags
    }
}

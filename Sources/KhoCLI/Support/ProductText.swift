import KhoCore

/// Products as text for people.
enum ProductText {
    /// The full description `kho show` prints.
    static func details(
        _ product: Product, events: [ProductEvent], vocabulary: Vocabulary,
        technical: [String: TechnicalMetadata] = [:], checks: [String: FixityCheck] = [:]
    ) -> [String] {
        let metadata = product.metadata
        var rows: [[String]] = []
        func add(_ label: String, _ value: String?) {
            if let value, !value.isEmpty { rows.append([label, value]) }
        }
        add("kind", label(metadata.kind, vocabulary.kinds.first { $0.code == metadata.kind }?.label))
        add(
            "languages",
            metadata.languages.map { language in
                let name = vocabulary.languageEntry(language.code)?.label ?? language.code
                return
                    "\(language.code) (\(name), \(language.role.rawValue)\(language.roleOverride ? ", set for this product" : ""))"
            }.joined(separator: "; "))
        add(
            "platforms",
            metadata.platforms.map { code in
                let platform = vocabulary.platforms.first { $0.code == code }
                return label(code, platform?.label) + (platform?.digital == true ? ", digital" : "")
            }.joined(separator: "; "))
        add("topics", metadata.topics.joined(separator: ", "))
        add("content line", metadata.contentLine)
        add("agency", metadata.agency)
        if let province = metadata.province {
            let name = vocabulary.unit(province)?.name ?? province.code
            let current = vocabulary.currentUnit(of: province)
            var text = "\(name) (\(province.qualified))"
            if let current, current.code != province.code || province.set == .units2022 {
                text += ", now \(current.name)"
            }
            add("province", text)
        }
        add("produced", metadata.produced?.description)
        add("published", metadata.published?.description)
        add("funding", metadata.funding)
        add("rights", metadata.rights)
        add("description", metadata.description)
        let groups = product.groups(in: vocabulary)
        let names = [
            groups.ethnic ? "ethnic-language" : nil, groups.foreign ? "foreign-language" : nil,
            groups.digital ? "digital" : nil,
        ]
        .compactMap { $0 }
        add("target groups", names.isEmpty ? "none" : names.joined(separator: ", "))
        if product.files.isEmpty {
            add("files", "none yet (not digitised): `kho attach \(product.id) FILE` adds one")
        }
        for (index, file) in product.files.enumerated() {
            rows.append([
                index == 0 ? "files" : "",
                "\(file.role.rawValue)  \(file.originalName)  \(file.object.mime), \(Output.bytes(file.object.size))",
            ])
            rows.append(["", "  \(file.object.format)"])
            if let metadata = technical[file.object.sha256] {
                rows.append(["", "  \(TechnicalText.summary(metadata))"])
            }
            if let check = checks[file.object.sha256] {
                rows.append(["", "  last verified \(Timestamp.string(check.at)): \(check.outcome.rawValue)"])
            } else {
                rows.append(["", "  not verified yet (`kho verify --product \(product.id)`)"])
            }
            rows.append(["", "  sha256 \(file.object.sha256)"])
        }
        add("origin", product.originRepository)
        for (index, event) in events.enumerated() {
            var text = "\(Timestamp.string(event.at))  \(event.type.rawValue) by \(event.agent)"
            if let changed = event.detail["changed"] { text += " (\(changed))" }
            if let file = event.detail["file"] { text += " (\(file))" }
            rows.append([index == 0 ? "events" : "", text])
        }
        return ["\(product.id)  \(metadata.title)"] + Output.table(rows).map { "  " + $0 }
    }

    /// One line per product, for `list` and `search`.
    static func lines(_ products: [Product]) -> [String] {
        Output.table(
            products.map { product in
                let metadata = product.metadata
                return [
                    product.id.rawValue, metadata.kind, metadata.languages.map(\.code).joined(separator: ","),
                    metadata.published?.description ?? "-",
                    product.files.isEmpty ? "-" : "\(product.files.count) file(s)",
                    metadata.title,
                ]
            })
    }

    /// The CSV columns of `list --csv`; list fields are `;`-separated as in manifests.
    static let csvHeader = [
        "id", "title", "kind", "languages", "platforms", "topics", "content_line", "agency", "province",
        "province_current", "produced", "published", "funding", "rights", "description", "files", "sha256",
        "ethnic", "foreign", "digital",
    ]

    static func csvRow(_ product: Product, vocabulary: Vocabulary) -> [String] {
        let metadata = product.metadata
        let groups = product.groups(in: vocabulary)
        return [
            product.id.rawValue, metadata.title, metadata.kind, metadata.languages.map(\.spec).joined(separator: ";"),
            metadata.platforms.joined(separator: ";"), metadata.topics.joined(separator: ";"),
            metadata.contentLine ?? "",
            metadata.agency ?? "", metadata.province?.qualified ?? "",
            metadata.province.flatMap { vocabulary.currentUnit(of: $0)?.code } ?? "",
            metadata.produced?.description ?? "", metadata.published?.description ?? "", metadata.funding ?? "",
            metadata.rights ?? "", metadata.description ?? "", String(product.files.count),
            product.files.map(\.object.sha256).joined(separator: ";"), String(groups.ethnic), String(groups.foreign),
            String(groups.digital),
        ]
    }

    private static func label(_ code: String, _ label: String?) -> String {
        label.map { "\(code) (\($0))" } ?? code
    }
}

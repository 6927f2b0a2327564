import KhoCore

/// Products as text for people.
enum ProductText {
    /// The full description `kho show` prints.
    static func details(
        _ product: Product, events: [ProductEvent], vocabulary: Vocabulary,
        technical: [String: TechnicalMetadata] = [:], checks: [String: FixityCheck] = [:]
    ) -> [String] {
        let l = Output.l
        let metadata = product.metadata
        var rows: [[String]] = []
        func add(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { rows.append([l("show.\(key)"), value]) }
        }
        let kind = vocabulary.kinds.first { $0.code == metadata.kind }
        add("kind", label(metadata.kind, kind?.label(in: l.language)))
        add(
            "languages",
            metadata.languages.map { language in
                let entry = vocabulary.languageEntry(language.code)
                let name = entry?.label(in: l.language) ?? language.code
                return
                    "\(language.code) (\(name), \(l("role.\(language.role.rawValue)"))\(language.roleOverride ? l("show.role_set") : ""))"
            }.joined(separator: "; "))
        add(
            "platforms",
            metadata.platforms.map { code in
                let platform = vocabulary.platforms.first { $0.code == code }
                return label(code, platform?.label(in: l.language))
                    + (platform?.digital == true ? l("show.digital") : "")
            }.joined(separator: "; "))
        add("topics", metadata.topics.joined(separator: ", "))
        add("content_line", metadata.contentLine)
        add("agency", metadata.agency)
        if let province = metadata.province {
            let name = vocabulary.unit(province)?.name ?? province.code
            let current = vocabulary.currentUnit(of: province)
            var text = "\(name) (\(province.qualified))"
            if let current, current.code != province.code || province.set == .units2022 {
                text += l("show.now", ["name": current.name])
            }
            add("province", text)
        }
        add("produced", metadata.produced?.description)
        add("published", metadata.published?.description)
        add("funding", metadata.funding)
        if let reuse = vocabulary.reuse(of: metadata) {
            add("rights", "\(reuse.licence.label(in: l.language)) (\(reuse.licence.code))")
            add("reuse", reuse.summary(in: l.language))
        } else {
            add("rights", metadata.rights)
        }
        add(
            "retention",
            vocabulary.retention(of: product).map { $0.label(in: l.language) } ?? l("show.no_retention"))
        add("description", metadata.description)
        let groups = product.groups(in: vocabulary)
        let names = [
            groups.ethnic ? l("show.group.ethnic") : nil, groups.foreign ? l("show.group.foreign") : nil,
            groups.digital ? l("show.group.digital") : nil,
        ]
        .compactMap { $0 }
        add("target_groups", names.isEmpty ? l("show.group.none") : names.joined(separator: ", "))
        if product.files.isEmpty {
            add("files", l("show.no_files", ["id": product.id.rawValue]))
        }
        for (index, file) in product.files.enumerated() {
            rows.append([
                index == 0 ? l("show.files") : "",
                "\(file.role.rawValue)  \(file.originalName)  \(file.object.mime), \(Output.bytes(file.object.size))",
            ])
            rows.append(["", "  \(file.object.format)"])
            if let metadata = technical[file.object.sha256] {
                rows.append(["", "  \(TechnicalText.summary(metadata))"])
            }
            if let check = checks[file.object.sha256] {
                rows.append([
                    "", "  " + l("show.verified", ["at": Timestamp.string(check.at), "outcome": check.outcome.label(l)]),
                ])
            } else {
                rows.append(["", "  " + l("show.not_verified", ["id": product.id.rawValue])])
            }
            rows.append(["", "  sha256 \(file.object.sha256)"])
        }
        add("origin", product.originRepository)
        for (index, event) in events.enumerated() {
            var text = l(
                "show.event", ["at": Timestamp.string(event.at), "type": event.type.label(l), "agent": event.agent])
            if let changed = event.detail["changed"] { text += " (\(changed))" }
            if let file = event.detail["file"] { text += " (\(file))" }
            rows.append([index == 0 ? l("show.events") : "", text])
        }
        return ["\(product.id)  \(metadata.title)"] + Output.table(rows).map { "  " + $0 }
    }

    /// One line per product, for `list` and `search`: id, kind, languages, date published,
    /// province (its name as registered), files, title.
    static func lines(_ products: [Product], vocabulary: Vocabulary) -> [String] {
        Output.table(
            products.map { product in
                let metadata = product.metadata
                return [
                    product.id.rawValue, metadata.kind, metadata.languages.map(\.code).joined(separator: ","),
                    metadata.published.map { Output.l.date($0) } ?? "-",
                    metadata.province.map { vocabulary.unit($0)?.name ?? $0.code } ?? "-",
                    product.files.isEmpty ? "-" : Output.l("list.files", ["count": Output.l.integer(product.files.count)]),
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

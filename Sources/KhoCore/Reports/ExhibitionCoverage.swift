import Foundation

/// Which of the 34 current provinces held an exhibition in a period, in person and online, in
/// Vietnamese and in a foreign language (Decision 1079, II.2: exhibitions "in every province and
/// some places abroad"), and the exhibitions held abroad by country. Computed from the
/// exhibitions alone; provinces of 2022 count for the 2025 unit they belong to now, as in the
/// other reports.
public struct ExhibitionCoverage: Sendable, Encodable {
    public struct Province: Sendable, Encodable {
        public var code: String
        public var name: String
        /// Exhibitions held there in the period (in person or online).
        public var exhibitions: [String]
        public var inPerson: Int
        public var online: Int
        public var vietnamese: Bool
        public var foreign: Bool
        public var ethnic: Bool
        public var held: Bool { !exhibitions.isEmpty }

        enum CodingKeys: String, CodingKey {
            case code, name, exhibitions, held, vietnamese, foreign, ethnic
            case inPerson = "in_person"
            case online
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(name, forKey: .name)
            try container.encode(exhibitions, forKey: .exhibitions)
            try container.encode(held, forKey: .held)
            try container.encode(inPerson, forKey: .inPerson)
            try container.encode(online, forKey: .online)
            try container.encode(vietnamese, forKey: .vietnamese)
            try container.encode(foreign, forKey: .foreign)
            try container.encode(ethnic, forKey: .ethnic)
        }
    }

    public struct Country: Sendable, Encodable {
        public var code: String
        public var name: String
        public var nameVi: String
        public var exhibitions: [String]
        public var inPerson: Int
        public var online: Int

        enum CodingKeys: String, CodingKey {
            case code, name, exhibitions, online
            case nameVi = "name_vi"
            case inPerson = "in_person"
        }
    }

    /// The period's label, or nil for every exhibition ever held.
    public var period: String?
    public var provinces: [Province]
    public var abroad: [Country]
    /// Exhibitions held in the period, and of those without a place.
    public var held: Int
    public var withoutPlace: Int
    /// Exhibitions in the catalogue, held or not.
    public var total: Int
    public var generatedAt: Date
    public var software: String

    /// Provinces that held one, of all 34.
    public var covered: Int { provinces.filter(\.held).count }
    public var coveredInPersonAndOnline: Int { provinces.filter { $0.inPerson > 0 && $0.online > 0 }.count }
    public var coveredVietnameseAndForeign: Int { provinces.filter { $0.vietnamese && $0.foreign }.count }

    public init(
        exhibitions: [Exhibition], period: ReportPeriod?, vocabulary: Vocabulary, now: Date, software: String
    ) {
        self.period = period?.label
        generatedAt = now
        self.software = software
        total = exhibitions.count
        let firstDay = period?.from.firstDay ?? "0000-01-01"
        let lastDay = period?.to.lastDay ?? "9999-12-31"
        let start = Timestamp.date(firstDay + "T00:00:00Z") ?? .distantPast
        let end = Timestamp.date(lastDay + "T00:00:00Z").map { $0.addingTimeInterval(86_400) } ?? .distantFuture
        var rows = Dictionary(
            uniqueKeysWithValues: vocabulary.units2025.map {
                ($0.code, Province(code: $0.code, name: $0.name, exhibitions: [], inPerson: 0, online: 0, vietnamese: false, foreign: false, ethnic: false))
            })
        var countries: [String: Country] = [:]
        var held = 0
        var withoutPlace = 0
        for exhibition in exhibitions {
            let inPerson = exhibition.heldInPerson(from: firstDay, through: lastDay)
            let online = exhibition.heldOnline(from: start, until: period == nil ? .distantFuture : end)
            guard inPerson || online else { continue }
            held += 1
            let roles = Set(exhibition.languages.compactMap { vocabulary.languageEntry($0)?.role })
            if let province = exhibition.province, let unit = vocabulary.currentUnit(of: province), var row = rows[unit.code] {
                row.exhibitions.append(exhibition.id.rawValue)
                if inPerson { row.inPerson += 1 }
                if online { row.online += 1 }
                if exhibition.languages.contains("vi") { row.vietnamese = true }
                if roles.contains(.foreign) { row.foreign = true }
                if roles.contains(.ethnic) { row.ethnic = true }
                rows[unit.code] = row
            } else if let code = exhibition.country {
                let term = vocabulary.countries.first { $0.code == code }
                var row = countries[code] ?? Country(
                    code: code, name: term?.label ?? code.uppercased(), nameVi: term?.labelVi ?? code.uppercased(),
                    exhibitions: [], inPerson: 0, online: 0)
                row.exhibitions.append(exhibition.id.rawValue)
                if inPerson { row.inPerson += 1 }
                if online { row.online += 1 }
                countries[code] = row
            } else {
                withoutPlace += 1
            }
        }
        self.held = held
        self.withoutPlace = withoutPlace
        provinces = vocabulary.units2025.compactMap { rows[$0.code] }
        abroad = countries.values.sorted { $0.code < $1.code }
    }

    enum CodingKeys: String, CodingKey {
        case period, provinces, abroad, held, total, covered, software
        case withoutPlace = "without_place"
        case provinceCount = "province_count"
        case coveredInPersonAndOnline = "covered_in_person_and_online"
        case coveredVietnameseAndForeign = "covered_vietnamese_and_foreign"
        case generatedAt = "generated_at"
        case target
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(period, forKey: .period)
        try container.encode(provinces, forKey: .provinces)
        try container.encode(abroad, forKey: .abroad)
        try container.encode(held, forKey: .held)
        try container.encode(withoutPlace, forKey: .withoutPlace)
        try container.encode(total, forKey: .total)
        try container.encode(covered, forKey: .covered)
        try container.encode(provinces.count, forKey: .provinceCount)
        try container.encode(coveredInPersonAndOnline, forKey: .coveredInPersonAndOnline)
        try container.encode(coveredVietnameseAndForeign, forKey: .coveredVietnameseAndForeign)
        try container.encode("every province (Decision 1079, II.2)", forKey: .target)
        try container.encode(Timestamp.string(generatedAt), forKey: .generatedAt)
        try container.encode(software, forKey: .software)
    }
}

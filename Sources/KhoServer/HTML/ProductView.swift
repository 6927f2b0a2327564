import Foundation
import KhoCore

/// A product's facts in words for a reader, in Vietnamese, from the vocabularies.
struct ProductView {
    let product: Product
    let vocabulary: Vocabulary

    var metadata: ProductMetadata { product.metadata }

    var kind: String { vocabulary.kinds.first { $0.code == metadata.kind }?.labelVi ?? metadata.kind }

    var languages: [String] {
        metadata.languages.map { language in vocabulary.languageEntry(language.code)?.labelVi ?? language.code }
    }

    var platforms: [String] {
        metadata.platforms.map { code in vocabulary.platforms.first { $0.code == code }?.labelVi ?? code }
    }

    var topics: [String] {
        metadata.topics.map { code in vocabulary.topics.first { $0.code == code }?.labelVi ?? code }
    }

    /// Today's unit, and the one registered when it differs (a product from before the 2025 merger).
    var province: String? {
        guard let ref = metadata.province else { return nil }
        let registered = vocabulary.unit(ref)?.name ?? ref.code
        guard let current = vocabulary.currentUnit(of: ref)?.name else { return registered }
        return current == registered ? current : "\(current) (đăng ký khi còn là \(registered))"
    }

    var funding: String? {
        metadata.funding.map { code in vocabulary.funding.first { $0.code == code }?.labelVi ?? code }
    }

    var contentLine: String? {
        metadata.contentLine.map { code in vocabulary.contentLines.first { $0.code == code }?.labelVi ?? code }
    }

    /// The facts as term/description pairs, in the order a reader wants them.
    var facts: [(String, String)] {
        var rows: [(String, String)] = [("Loại sản phẩm", kind)]
        if !languages.isEmpty { rows.append(("Ngôn ngữ", languages.joined(separator: ", "))) }
        if let agency = metadata.agency { rows.append(("Cơ quan thực hiện", agency)) }
        if let province { rows.append(("Tỉnh, thành phố", province)) }
        if let produced = metadata.produced { rows.append(("Ngày sản xuất", Localizer.vietnamese.date(produced))) }
        if let published = metadata.published {
            rows.append(("Ngày phát hành", Localizer.vietnamese.date(published)))
        }
        if !platforms.isEmpty { rows.append(("Nền tảng", platforms.joined(separator: ", "))) }
        if !topics.isEmpty { rows.append(("Chủ đề", topics.joined(separator: "; "))) }
        if let contentLine { rows.append(("Nội dung", contentLine)) }
        if let funding { rows.append(("Nguồn kinh phí", funding)) }
        if let reuse = vocabulary.reuse(of: metadata) {
            rows.append(("Giấy phép", reuse.licence.labelVi))
            rows.append(("Tái sử dụng", reuse.summary(in: .vi)))
        } else {
            rows.append(("Bản quyền", metadata.rights ?? "Chưa ghi"))
            rows.append(("Tái sử dụng", "Chưa có giấy phép: hãy liên hệ cơ quan thực hiện trước khi sao chép hay sử dụng lại."))
        }
        if let retention = vocabulary.retention(of: product) {
            rows.append(("Thời hạn bảo quản", retention.label(in: .vi)))
        }
        rows.append(("Mã sản phẩm", product.id.rawValue))
        return rows
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let number = unit == 0 ? String(bytes) : String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",")
        return "\(number) \(units[unit])"
    }

    static func roleLabel(_ role: FileRole) -> String {
        switch role {
        case .master: return "bản gốc"
        case .access: return "bản truy cập"
        case .derivative: return "bản phái sinh"
        }
    }
}

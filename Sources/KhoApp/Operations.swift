import Foundation
import KhoCore
import KhoReports

/// The operations people do, named after what they do; the CLI and the web server both call
/// these and render what they return, so that `kho show --json`, a landing page and an API
/// answer cannot disagree. Each read comes from one snapshot of the catalogue.
public struct Operations: Sendable {
    public let queries: any CatalogueQueries
    public let vocabulary: Vocabulary
    public let context: OperationContext

    public init(queries: any CatalogueQueries, vocabulary: Vocabulary, context: OperationContext) {
        self.queries = queries
        self.vocabulary = vocabulary
        self.context = context
    }

    /// A product with its events, technical metadata and last checks.
    public func productDetails(_ id: ProductID, audience: Audience = .staff) async throws -> ProductDetails {
        try await queries.details(of: id, audience: audience)
    }

    /// A product's record and files, without events or checks.
    public func product(_ id: ProductID, audience: Audience = .staff) async throws -> Product {
        try await queries.product(id, audience: audience)
    }

    /// A page of products: the search's best matches when there are words, else the newest first.
    public func products(_ request: PageRequest) async throws -> ProductPage {
        try await queries.page(request)
    }

    /// A report over a scope, computed from one snapshot of the catalogue.
    public func report(_ kind: ReportKind, scope: ReportScope) async throws -> Report {
        let rules = ReportRules(vocabulary)
        var previousFilter: ProductFilter?
        var previousLabel: String?
        if kind == .period, let before = scope.period?.previous {
            var earlier = scope.filter
            earlier.publishedFrom = before.from
            earlier.publishedTo = before.to
            previousFilter = earlier
            previousLabel = before.label
        }
        let snapshot = try await queries.reportSnapshot(
            ReportRequest(
                filter: scope.filter, grouping: scope.grouping, rules: rules, previous: previousFilter,
                notDigitisedLimit: kind == .shares || kind == .books ? nil : scope.listLimit))
        let vocabulary = vocabulary
        let grouping = scope.grouping
        return Report(
            kind: kind, counts: snapshot.counts, grouping: grouping, scope: scope.description,
            catalogue: snapshot.state, generatedAt: context.now(), software: context.software,
            publicLinks: snapshot.baseURL != nil,
            label: { [localizer = context.localizer] in
                ReportScope.label($0, grouping: grouping, vocabulary: vocabulary, localizer)
            },
            notDigitised: snapshot.notDigitised?.map { product in
                UndigitisedProduct(
                    id: product.id.rawValue, title: product.metadata.title, kind: product.metadata.kind,
                    province: product.metadata.province.flatMap { vocabulary.unit($0)?.name },
                    published: product.metadata.published?.description)
            },
            previous: zip(previousLabel, snapshot.previous).map { (period: $0, counts: $1) })
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

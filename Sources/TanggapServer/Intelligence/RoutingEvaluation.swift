import Fluent
import Foundation
import SQLKit
import TanggapCore

/// `tanggap evaluate`: how good the suggestions would have been on this instance's own history. The model learns
/// from the older part and is tested on the newest part — a split in time, never at random, so nothing it is tested
/// on could have taught it — against a baseline a verifier could keep in their head (the body most often chosen for
/// the region and category). Duplicates are measured against the merges staff made.
enum RoutingEvaluation {
    struct Figures: Codable, Sendable {
        var reports = 0
        var trainedOn = 0
        var testedOn = 0
        var splitAt = Date.distantPast
        var categoryTop1 = 0.0
        var categoryTop3 = 0.0
        var categoryBaselineTop1 = 0.0
        var categoryBaselineTop3 = 0.0
        var institutionTop1 = 0.0
        var institutionTop5 = 0.0
        var institutionBaselineTop1 = 0.0
        var institutionBaselineTop5 = 0.0
        var mergedTested = 0
        var duplicatePrecision = 0.0
        var duplicateRecall = 0.0
        var suggestionMillisecondsP50 = 0.0
        var suggestionMillisecondsP95 = 0.0
        var duplicateMillisecondsP95 = 0.0
        var duplicatesByThreshold: [DuplicateFigures] = []
        var trainingSeconds = 0.0

        enum CodingKeys: String, CodingKey {
            case reports, trainedOn = "trained_on", testedOn = "tested_on", splitAt = "split_at", categoryTop1 = "category_top1"
            case categoryTop3 = "category_top3", categoryBaselineTop1 = "category_baseline_top1"
            case categoryBaselineTop3 = "category_baseline_top3", institutionTop1 = "institution_top1"
            case institutionTop5 = "institution_top5", institutionBaselineTop1 = "institution_baseline_top1"
            case institutionBaselineTop5 = "institution_baseline_top5", mergedTested = "merged_tested"
            case duplicatePrecision = "duplicate_precision_at_5", duplicateRecall = "duplicate_recall"
            case suggestionMillisecondsP50 = "suggestion_ms_p50", suggestionMillisecondsP95 = "suggestion_ms_p95"
            case duplicateMillisecondsP95 = "duplicate_ms_p95", trainingSeconds = "training_seconds"
            case duplicatesByThreshold = "duplicates_by_threshold"
        }

        var table: String {
            func share(_ value: Double) -> String { String(format: "%.3f", value) }
            func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
            return """
                Trained on \(trainedOn) reports received before \(ISO8601DateFormatter().string(from: splitAt)), tested on the \(testedOn) \
                sent on after (\(reports) reports read; training took \(String(format: "%.1f", trainingSeconds)) s).

                | suggestion | model top-1 | model top-k | baseline top-1 | baseline top-k |
                |---|---|---|---|---|
                | category (k = 3) | \(share(categoryTop1)) | \(share(categoryTop3)) | \(share(categoryBaselineTop1)) | \(share(categoryBaselineTop3)) |
                | institution (k = 5) | \(share(institutionTop1)) | \(share(institutionTop5)) | \(share(institutionBaselineTop1)) | \(share(institutionBaselineTop5)) |

                Baselines: the categories most often chosen in the report's region; the institutions most often chosen for its region and category.
                Duplicates, against the \(mergedTested) merges staff made among the tested reports: precision@5 \(share(duplicatePrecision)), recall \(share(duplicateRecall)) at the similarity in use (\(LookAlikes.threshold)); at others: \(
                    duplicatesByThreshold.map { "\($0.threshold): \(share($0.precision))/\(share($0.recall))" }.joined(separator: ", ")).
                Time per suggestion (categories and institutions): p50 \(ms(suggestionMillisecondsP50)), p95 \(ms(suggestionMillisecondsP95)); per duplicate search p95 \(ms(duplicateMillisecondsP95)) (in memory, without the database).
                """
        }
    }

    struct DuplicateFigures: Codable, Sendable {
        let threshold: Double
        let precision: Double
        let recall: Double
    }

    /// `testShare` of the newest reports are tested (at most `mostTested` of them, spread evenly); the model learns
    /// from the ones before, up to `RoutingHistory.mostLessons`.
    static func run(testShare: Double = 0.2, mostTested: Int = 5_000, on db: any Database) async throws -> Figures {
        let read = Int(Double(RoutingHistory.mostLessons) / (1 - testShare))
        let rows = try await db.sql.raw(
            "SELECT \(unsafeRaw: RoutingHistory.columns) FROM reports ORDER BY created_at DESC, id DESC LIMIT \(bind: read)"
        ).all(decoding: RoutingHistory.Row.self).reversed().map { $0 }
        var figures = Figures(reports: rows.count)
        let split = Int(Double(rows.count) * (1 - testShare))
        guard split > 0, split < rows.count else { return figures }
        figures.splitAt = rows[split].created_at
        let bodies = try await BodyDirectory.load(on: db)
        let training = rows[..<split].filter { $0.dispatched_at != nil && $0.duplicate_of_id == nil }
        let started = ContinuousClock.now
        let model = RoutingHistory.train(on: Array(training), bodies: bodies)
        figures.trainingSeconds = (ContinuousClock.now - started).seconds
        figures.trainedOn = training.count
        let baseline = Baseline(training)

        let sent = rows[split...].filter { $0.dispatched_at != nil && $0.duplicate_of_id == nil }
        let tested = spread(Array(sent), atMost: mostTested)
        figures.testedOn = tested.count
        let everyBody = Array(bodies.bodies.values.map(\.candidate))
        var hits = (category1: 0, category3: 0, categoryBase1: 0, categoryBase3: 0, body1: 0, body5: 0, base1: 0, base5: 0)
        var times: [Double] = []
        for row in tested {
            let clock = ContinuousClock.now
            let features = IndonesianText.features(of: row.text)
            let categories = model.suggestCategories(features: features).map(\.label)
            let suggested = model.suggestBodies(
                features: features, categoryID: row.category_id, in: bodies.place(of: row.region_id), among: everyBody
            ).map(\.id)
            times.append((ContinuousClock.now - clock).seconds * 1_000)
            if let category = row.category_id {
                if categories.first == category { hits.category1 += 1 }
                if categories.prefix(3).contains(category) { hits.category3 += 1 }
                let usual = baseline.categories(in: row.region_id)
                if usual.first == category { hits.categoryBase1 += 1 }
                if usual.prefix(3).contains(category) { hits.categoryBase3 += 1 }
            }
            if suggested.first == row.holder_id { hits.body1 += 1 }
            if suggested.prefix(5).contains(row.holder_id) { hits.body5 += 1 }
            let usual = baseline.bodies(in: row.region_id, category: row.category_id)
            if usual.first == row.holder_id { hits.base1 += 1 }
            if usual.prefix(5).contains(row.holder_id) { hits.base5 += 1 }
        }
        let n = Double(max(1, tested.count))
        figures.categoryTop1 = Double(hits.category1) / n
        figures.categoryTop3 = Double(hits.category3) / n
        figures.categoryBaselineTop1 = Double(hits.categoryBase1) / n
        figures.categoryBaselineTop3 = Double(hits.categoryBase3) / n
        figures.institutionTop1 = Double(hits.body1) / n
        figures.institutionTop5 = Double(hits.body5) / n
        figures.institutionBaselineTop1 = Double(hits.base1) / n
        figures.institutionBaselineTop5 = Double(hits.base5) / n
        figures.suggestionMillisecondsP50 = percentile(times, 0.5)
        figures.suggestionMillisecondsP95 = percentile(times, 0.95)
        duplicates(rows, from: split, weights: model.rarity.weights, into: &figures)
        return figures
    }

    /// For every merged report among the tested ones: the look-alikes staff would have been shown (the cases of its
    /// region in the ninety days before it), against the case it was merged into — at the threshold in use and at its
    /// neighbours, so an instance can see what moving it would trade.
    private static func duplicates(
        _ rows: [RoutingHistory.Row], from split: Int, weights: NearDuplicates.Weights, into figures: inout Figures
    ) {
        var fingerprints: [Int64: NearDuplicates.Fingerprint] = [:]
        func of(_ row: RoutingHistory.Row) -> NearDuplicates.Fingerprint {
            if let known = fingerprints[row.id] { return known }
            let made = NearDuplicates.Fingerprint(of: row.text, weights: weights)
            fingerprints[row.id] = made
            return made
        }
        var cases: [Int64: [RoutingHistory.Row]] = [:]
        var tally = Dictionary(uniqueKeysWithValues: thresholds.map { ($0, (shown: 0, right: 0, found: 0)) })
        var merged = 0
        var times: [Double] = []
        for (index, row) in rows.enumerated() {
            guard let region = row.region_id else { continue }
            if index >= split, let truth = row.duplicate_of_id {
                merged += 1
                let since = row.created_at.addingTimeInterval(-LookAlikes.window)
                let recent = (cases[region] ?? []).suffix(LookAlikes.mostCompared).filter { $0.created_at >= since }.reversed()
                let scored = LookAlikes.rank(of(row), among: recent.map { ($0.id, of($0)) }, from: thresholds.min()!)
                if times.count < timedSearches {
                    // Timed as a live search does it: every compared text read afresh, not from this loop's cache.
                    let clock = ContinuousClock.now
                    _ = LookAlikes.rank(
                        NearDuplicates.Fingerprint(of: row.text, weights: weights),
                        among: recent.map { ($0.id, NearDuplicates.Fingerprint(of: $0.text, weights: weights)) })
                    times.append((ContinuousClock.now - clock).seconds * 1_000)
                }
                for threshold in thresholds {
                    let shown = scored.filter { $0.1 >= threshold }
                    tally[threshold]!.shown += shown.count
                    tally[threshold]!.right += shown.filter { $0.0 == truth }.count
                    if shown.contains(where: { $0.0 == truth }) { tally[threshold]!.found += 1 }
                }
            }
            if row.duplicate_of_id == nil { cases[region, default: []].append(row) }
        }
        figures.mergedTested = merged
        figures.duplicatesByThreshold = thresholds.map { threshold in
            let counts = tally[threshold]!
            return DuplicateFigures(
                threshold: threshold, precision: counts.shown == 0 ? 0 : Double(counts.right) / Double(counts.shown),
                recall: merged == 0 ? 0 : Double(counts.found) / Double(merged))
        }
        let inUse = figures.duplicatesByThreshold.first { $0.threshold == LookAlikes.threshold }
        figures.duplicatePrecision = inUse?.precision ?? 0
        figures.duplicateRecall = inUse?.recall ?? 0
        figures.duplicateMillisecondsP95 = percentile(times, 0.95)
    }

    /// How many duplicate searches are timed (the first ones tested).
    static let timedSearches = 1_000

    /// The thresholds a duplicate search is measured at: the one in use and its neighbours.
    static let thresholds = [0.15, 0.2, 0.25, 0.3, 0.35].map { ($0 * 100).rounded() / 100 }

    /// At most `limit` of `rows`, evenly spread over them.
    private static func spread<T>(_ rows: [T], atMost limit: Int) -> [T] {
        guard rows.count > limit, limit > 0 else { return rows }
        return (0..<limit).map { rows[$0 * rows.count / limit] }
    }

    private static func percentile(_ values: [Double], _ share: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * share))]
    }

    /// What a verifier without a model would do: the categories most often seen in the region, the institutions
    /// most often chosen for the region and category (then for the region, then anywhere).
    struct Baseline {
        private var categoriesByRegion: [Int64: [Int64: Int]] = [:]
        private var bodiesByRegionAndCategory: [String: [Int64: Int]] = [:]
        private var bodiesByRegion: [Int64: [Int64: Int]] = [:]
        private var bodiesAnywhere: [Int64: Int] = [:]

        init(_ rows: some Sequence<RoutingHistory.Row>) {
            for row in rows {
                let region = row.region_id ?? 0
                if let category = row.category_id { categoriesByRegion[region, default: [:]][category, default: 0] += 1 }
                bodiesByRegionAndCategory["\(region)/\(row.category_id ?? 0)", default: [:]][row.holder_id, default: 0] += 1
                bodiesByRegion[region, default: [:]][row.holder_id, default: 0] += 1
                bodiesAnywhere[row.holder_id, default: 0] += 1
            }
        }

        func categories(in region: Int64?) -> [Int64] { Self.top(categoriesByRegion[region ?? 0] ?? [:], 3) }

        func bodies(in region: Int64?, category: Int64?) -> [Int64] {
            var ranked = Self.top(bodiesByRegionAndCategory["\(region ?? 0)/\(category ?? 0)"] ?? [:], 5)
            for more in [Self.top(bodiesByRegion[region ?? 0] ?? [:], 5), Self.top(bodiesAnywhere, 5)] {
                for id in more where ranked.count < 5 && !ranked.contains(id) { ranked.append(id) }
            }
            return ranked
        }

        private static func top(_ counts: [Int64: Int], _ limit: Int) -> [Int64] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map(\.key)
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

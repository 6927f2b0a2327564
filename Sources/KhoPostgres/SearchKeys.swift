import Foundation

/// What the search's ranking needs of a product, as keys of the word bitmaps (schema version 6,
/// `search_keys`): its columns' word counts and, per word, how many times each column holds it,
/// a bit at a time. `catalogue-schema/postgresql/v6-search-keys.sql` says why and how.
enum SearchKeys {
    /// The columns, in the ranking's order (title, description, agency), as keys name them.
    static let columns = ["t", "d", "a"]

    /// Counts are kept in this many bits; a column of more words than that is marked `overflow`.
    static let bits = 12

    /// A product whose numbers are not kept: its row is read instead.
    static let overflow = "#+"

    /// A product's keys, from its columns' words (as `PostgresCatalogue.tokens` splits them),
    /// sorted.
    static func keys(_ words: [[Substring]]) -> [String] {
        let lengths = words.map(\.count)
        guard lengths.allSatisfy({ $0 < 1 << bits }) else { return [overflow] }
        var keys: [String] = []
        for (column, length) in lengths.enumerated() {
            keys += slices(length).map { "#\(columns[column])\($0)" }
        }
        var counts: [Substring: [Int]] = [:]
        for (column, words) in words.enumerated() {
            for word in words { counts[word, default: [0, 0, 0]][column] += 1 }
        }
        for (word, count) in counts {
            if count[0] > 0 { keys.append("\(word)#t") }
            if count[2] > 0 { keys.append("\(word)#a") }
            if count[1] > 0 && (count[0] > 0 || count[2] > 0) { keys.append("\(word)#d") }
            for column in 0..<3 where count[column] > 1 {
                keys += slices(count[column] - 1).map { "\(word)#\(columns[column])\($0)" }
            }
        }
        return keys.sorted()
    }

    /// The bits set in a number below 2^`bits`.
    static func slices(_ number: Int) -> [Int] { (0..<bits).filter { number >> $0 & 1 == 1 } }

    /// The keys a search reads for its distinct words: the columns' lengths first, then each
    /// word's, in `Ranking`'s order.
    static func wanted(_ words: [String]) -> [String] {
        var keys = [overflow]
        for column in columns { keys += (0..<bits).map { "#\(column)\($0)" } }
        for word in words {
            keys += ["\(word)#t", "\(word)#d", "\(word)#a"]
            for column in columns { keys += (0..<bits).map { "\(word)#\(column)\($0)" } }
        }
        return keys
    }

    /// The ranking's numbers for the products of some blocks, from the bitmaps of the keys that
    /// `wanted` lists (those of a block that no product holds are absent).
    struct Ranking {
        let words: [String]
        /// For each block, each wanted key's bits (nil when no product of the block has it).
        private var blocks: [Int64: [SearchBits?]] = [:]
        private let index: [String: Int]

        init(words: [String]) {
            self.words = words
            index = Dictionary(uniqueKeysWithValues: SearchKeys.wanted(words).enumerated().map { ($1, $0) })
        }

        /// Adds a key's bits in a block (OR-ed with those already added: folded and appended ones).
        mutating func add(key: String, block: Int64, bits: SearchBits) {
            guard let position = index[key] else { return }
            let empty = [SearchBits?](repeating: nil, count: index.count)
            if let old = blocks[block]?[position] {
                blocks[block, default: empty][position] = SearchBits(bytes: zip(old.bytes, bits.bytes).map { $0 | $1 })
            } else {
                blocks[block, default: empty][position] = bits
            }
        }

        /// A product's column lengths and each word's count in each column, or nil when its
        /// numbers are not kept (`overflow`): its row must be read.
        func numbers(seq: Int64) -> (lengths: [Int], counts: [String: [Int]])? {
            let block = seq / PostgresCatalogue.blockSize
            let bit = Int(seq % PostgresCatalogue.blockSize)
            let row = blocks[block] ?? []
            func has(_ position: Int) -> Bool { position < row.count && row[position]?.has(bit) == true }
            func number(_ first: Int) -> Int {
                (0..<SearchKeys.bits).reduce(0) { value, slice in has(first + slice) ? value | 1 << slice : value }
            }
            guard !has(0) else { return nil }
            let lengths = (0..<3).map { number(1 + $0 * SearchKeys.bits) }
            var counts: [String: [Int]] = [:]
            let perWord = 3 + 3 * SearchKeys.bits
            let first = 1 + 3 * SearchKeys.bits
            for (offset, word) in words.enumerated() {
                let base = first + offset * perWord
                let title = has(base)
                let agency = has(base + 2)
                let inColumn = [title, has(base + 1) || (!title && !agency), agency]
                counts[word] = (0..<3).map { column in
                    inColumn[column] ? 1 + number(base + 3 + column * SearchKeys.bits) : 0
                }
            }
            return (lengths, counts)
        }
    }
}

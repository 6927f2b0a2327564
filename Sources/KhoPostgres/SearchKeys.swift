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

    /// The ranking's numbers of a search's candidates, gathered from the bitmaps of the keys
    /// that `wanted` lists: each key's bitmap of a block sets, for the candidates of that block
    /// whose bit it has, what the key says (a bitmap of a block that no product has is absent).
    struct Ranking {
        /// What a key says of a product that has it.
        private enum Meaning {
            case overflow
            case length(column: Int, slice: Int)
            case holds(word: Int, column: Int)
            case count(word: Int, column: Int, slice: Int)
        }

        let words: [String]
        let keys: [String]
        private let meanings: [Meaning]
        /// Each candidate's slot, and the candidates of each block (their seqs, bits and slots).
        private var slots: [Int64: Int] = [:]
        private var members: [Int64: [(bit: Int, slot: Int)]] = [:]
        /// Per slot: overflow, three lengths, then per word three "holds" flags and three counts
        /// less one.
        private var values: [Int32]
        private let stride: Int

        /// For the candidates `seqs`, reading the bitmaps of `keys` (a subset of `wanted(words)`).
        init(words: [String], keys: [String], seqs: [Int64]) {
            self.words = words
            self.keys = keys
            let wordIndex = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
            meanings = keys.map { key -> Meaning in
                if key == SearchKeys.overflow { return .overflow }
                guard let hash = key.lastIndex(of: "#") else { return .overflow }
                let word = String(key[..<hash])
                let rest = key[key.index(after: hash)...]
                let column = SearchKeys.columns.firstIndex(of: String(rest.prefix(1))) ?? 0
                let slice = Int(rest.dropFirst())
                if word.isEmpty { return .length(column: column, slice: slice ?? 0) }
                let index = wordIndex[word] ?? 0
                return slice.map { .count(word: index, column: column, slice: $0) } ?? .holds(word: index, column: column)
            }
            stride = 4 + 6 * words.count
            values = [Int32](repeating: 0, count: stride * seqs.count)
            for (slot, seq) in seqs.enumerated() {
                slots[seq] = slot
                members[seq / PostgresCatalogue.blockSize, default: []].append(
                    (Int(seq % PostgresCatalogue.blockSize), slot))
            }
        }

        /// Applies the bitmap of the key `keys[key]` in `block`, in the bytes of a `bit(4096)`
        /// (the first bit the highest of the first byte).
        mutating func add(key: Int, block: Int64, bits: UnsafeRawBufferPointer) {
            guard key >= 0 && key < meanings.count, let candidates = members[block] else { return }
            let meaning = meanings[key]
            for (bit, slot) in candidates {
                let byte = bit >> 3
                guard byte < bits.count, bits[byte] & (0x80 >> UInt8(bit & 7)) != 0 else { continue }
                let base = slot * stride
                switch meaning {
                case .overflow: values[base] = 1
                case .length(let column, let slice): values[base + 1 + column] |= 1 << slice
                case .holds(let word, let column): values[base + 4 + word * 6 + column] = 1
                case .count(let word, let column, let slice): values[base + 7 + word * 6 + column] |= 1 << slice
                }
            }
        }

        /// A candidate's column lengths and, for each word, its count in each column; nil when its
        /// numbers are not kept (`overflow`) or it is not a candidate: its row must be read.
        func numbers(seq: Int64) -> (lengths: [Int], counts: [[Int]])? {
            guard let slot = slots[seq] else { return nil }
            let base = slot * stride
            guard values[base] == 0 else { return nil }
            let lengths = (0..<3).map { Int(values[base + 1 + $0]) }
            let counts = words.indices.map { word -> [Int] in
                let flags = base + 4 + word * 6
                let title = values[flags] != 0
                let agency = values[flags + 2] != 0
                let holds = [title, values[flags + 1] != 0 || (!title && !agency), agency]
                return (0..<3).map { holds[$0] ? 1 + Int(values[flags + 3 + $0]) : 0 }
            }
            return (lengths, counts)
        }
    }
}

import NIOCore
import Testing

@testable import KhoPostgres

/// The PostgreSQL backend's own pieces that need no server: the search's word counting and the
/// splitting of its schema scripts.
@Suite("PostgreSQL backend, without a server")
struct SearchTermsTests {
    @Test("counting a query's words in a candidate's bytes gives what counting its words as strings gives")
    func countsAgree() {
        let texts = [
            "quyen tre em va quyen con nguoi", "tre-em, tre em; TRE em", "", "   ", "em", "emem em-em e m",
            "giao duc giao thong giaoduc", "so 12 nam 2024: 12a 12", "phong su vung cao (tap 2)",
            "tiếng việt còn dấu", "ngữ văn em",
        ]
        for (words, prefixLast) in [
            (["quyen", "em"], false), (["em", "em"], false), (["tre", "em"], true), (["giao"], true),
            (["12"], false), (["vung", "cao"], false), (["em"], true),
        ] {
            let terms = SearchTerms(words, prefixLast: prefixLast)
            for text in texts {
                let strings = terms.counts(in: text)
                var copy = text
                let bytes = copy.withUTF8 { terms.counts(inASCII: UnsafeRawBufferPointer($0)) }
                if text.utf8.allSatisfy({ $0 < 0x80 }) {
                    #expect(bytes == strings, "\(words) \(prefixLast) in «\(text)»")
                } else {
                    #expect(bytes == nil, "«\(text)» is not ASCII: counted as strings")
                }
            }
        }
        #expect(SearchTerms(["tre", "em"], prefixLast: true).counts(in: "tre em emm") == [1, 2])
        #expect(SearchTerms(["tre", "em"], prefixLast: false).counts(in: "tre em emm") == [1, 1])
    }

    @Test("a block's bits, as the server sends a bit(4096), give its products newest first")
    func blockBits() {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(4096))
        var bytes = [UInt8](repeating: 0, count: 512)
        // Bits 0 and 7 (the first byte's highest and lowest), 9, and 4095 (the last byte's lowest).
        bytes[0] = 0b1000_0001
        bytes[1] = 0b0100_0000
        bytes[511] = 0b0000_0001
        buffer.writeBytes(bytes)
        let bits = SearchBits(buffer)
        #expect(bits.seqs(in: 0) == [4095, 9, 7, 0])
        let third: [Int64] = [4095, 9, 7, 0].map { 3 * 4096 + $0 }
        #expect(bits.seqs(in: 3) == third)
        #expect(SearchBits(nil).seqs(in: 5).isEmpty)
        var empty = ByteBuffer()
        empty.writeInteger(Int32(4096))
        empty.writeBytes([UInt8](repeating: 0, count: 512))
        #expect(SearchBits(empty).seqs(in: 1).isEmpty)
    }

    @Test("a product's ranking keys, read back from their bits, give its columns' lengths and its words' counts")
    func rankingKeys() throws {
        let products: [[String]] = [
            ["quyen tre em", "", "hoi bao ve quyen tre em"],
            ["tre em tre em va quyen tre em", Array(repeating: "tre em vung cao", count: 40).joined(separator: " "), "tre em"],
            ["", "", ""],
            ["em", "em em em em em em em em em", ""],
            ["so tay", (0..<5000).map { "bai \($0)" }.joined(separator: " "), ""],
        ]
        let words = ["em", "khong", "quyen", "tre", "vung"]
        let wanted = SearchKeys.wanted(words)
        let seqs: [Int64] = products.indices.map { Int64(4096 * 3 + $0 * 100 + 7) } + [4096 * 3 + 4000]
        var ranking = SearchKeys.Ranking(words: words, keys: wanted, seqs: seqs)
        // Each key's bitmap of block 3, as the server would send it: the products that have it.
        var bitmaps: [String: [UInt8]] = [:]
        for (index, columns) in products.enumerated() {
            for key in SearchKeys.keys(columns.map(PostgresCatalogue.tokens)) {
                #expect(key.contains("#"))
                if key.hasPrefix("tre#") || key.hasPrefix("em#") || key.hasPrefix("#") { #expect(wanted.contains(key), "\(key)") }
                let bit = Int(seqs[index] % 4096)
                bitmaps[key, default: [UInt8](repeating: 0, count: 512)][bit >> 3] |= 0x80 >> UInt8(bit & 7)
            }
        }
        for (key, bits) in bitmaps {
            guard let position = wanted.firstIndex(of: key) else { continue }
            bits.withUnsafeBytes { ranking.add(key: position, block: 3, bits: $0) }
        }
        for (index, columns) in products.enumerated() {
            let seq = Int64(4096 * 3 + index * 100 + 7)
            let tokens = columns.map(PostgresCatalogue.tokens)
            guard tokens.allSatisfy({ $0.count < 4096 }) else {
                #expect(ranking.numbers(seq: seq) == nil)
                continue
            }
            let numbers = try #require(ranking.numbers(seq: seq))
            #expect(numbers.lengths == tokens.map(\.count), "\(columns)")
            for (position, word) in words.enumerated() where tokens.contains(where: { $0.contains(Substring(word)) }) {
                #expect(numbers.counts[position] == tokens.map { $0.filter { $0 == word }.count }, "\(word) in \(columns)")
            }
        }
        // A product of no kept numbers elsewhere in the block: none of its bits.
        #expect(ranking.numbers(seq: 4096 * 3 + 4000)?.lengths == [0, 0, 0])
        // A product that is not a candidate has no numbers.
        #expect(ranking.numbers(seq: 4096 * 3 + 4001) == nil)
    }

    @Test("a script is split at semicolons, but not inside quotes, comments or a $$ function body")
    func statements() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (a text DEFAULT ';');
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM t WHERE a = 'x'; -- inside
                RETURN NULL;
            END
            $$;
            SELECT 1
            """
        let statements = PostgresSession.statements(script)
        #expect(statements.count == 3, "\(statements)")
        #expect(statements[1].hasPrefix("CREATE FUNCTION") && statements[1].hasSuffix("$$"))
        #expect(statements[1].contains("RETURN NULL;"))
        #expect(statements[2] == "SELECT 1")
    }
}

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

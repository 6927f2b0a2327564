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

    @Test("an array as the server sends it in binary gives its elements, NULLs and all; a cut one is refused")
    func binaryArrays() throws {
        func array(_ elements: [[UInt8]?], oid: UInt32) -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeInteger(Int32(1))  // dimensions
            buffer.writeInteger(Int32(elements.contains { $0 == nil } ? 1 : 0))
            buffer.writeInteger(oid)
            buffer.writeInteger(Int32(elements.count))
            buffer.writeInteger(Int32(1))  // lower bound
            for element in elements {
                if let element {
                    buffer.writeInteger(Int32(element.count))
                    buffer.writeBytes(element)
                } else {
                    buffer.writeInteger(Int32(-1))
                }
            }
            return buffer
        }
        // Read from a buffer that does not start at 0, as a cell of a row does.
        var row = ByteBuffer(bytes: [9, 9, 9])
        row.moveReaderIndex(forwardBy: 3)
        var texts = array([Array("quyền".utf8), nil, [], Array("tre em".utf8)], oid: 25)
        row.writeBuffer(&texts)
        let strings = try #require(BinaryArray(row))
        #expect(strings.count == 4)
        #expect(strings.strings() == ["quyền", "", "", "tre em"])
        #expect(strings.elements[1] == nil)

        func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            withUnsafeBytes(of: value.bigEndian) { Array($0) }
        }
        let integers = try #require(
            BinaryArray(array([bigEndian(Int64(5_000_123_456)), bigEndian(Int64(-2)), nil], oid: 20)))
        #expect(integers.integers() == [5_000_123_456, -2, 0])
        let small = try #require(BinaryArray(array([bigEndian(Int32(42)), bigEndian(Int32(7))], oid: 23)))
        #expect(small.integers() == [42, 7])

        // No dimensions: an empty array.
        var empty = ByteBuffer()
        empty.writeInteger(Int32(0))
        empty.writeInteger(Int32(0))
        empty.writeInteger(UInt32(25))
        #expect(BinaryArray(empty)?.count == 0)
        // Cut short, or of two dimensions: refused, not read past its end.
        var cut = array([Array("tre em".utf8)], oid: 25)
        cut.moveWriterIndex(to: cut.writerIndex - 2)
        #expect(BinaryArray(cut) == nil)
        var square = array([[1], [2]], oid: 25)
        square.setInteger(Int32(2), at: 0)
        #expect(BinaryArray(square) == nil)
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

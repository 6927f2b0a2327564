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

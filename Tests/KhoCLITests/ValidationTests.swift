import Foundation
import Testing

@Suite("bad input: clear errors, nothing written")
struct ValidationTests {
    @Test("a manifest with bad rows reports every problem with row, field and value, and writes nothing")
    func badManifestWritesNothing() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/a.txt", "a")
        try ws.write("in/b.txt", "b")
        try ws.write(
            "in/manifest.csv",
            """
            path,title,kind,languages,platforms,province,published
            a.txt,Good row,article,vi,website,gia-lai,2024-03-02
            b.txt,Bad kind,radio-reprt,vi,website,,
            missing.txt,Missing file,article,vi,,,
            ,No title row,,jrx,websit,binh-dnh,2024-13-01

            """)
        let result = try ws.kho("ingest", "in", "--manifest", "in/manifest.csv")
        #expect(result.status != 0)
        let errors = result.stderr
        #expect(
            errors.contains("manifest.csv row 3: kind: unknown kind code 'radio-reprt'; did you mean 'radio-report'?"))
        #expect(errors.contains("manifest.csv row 4, path 'missing.txt': no such file"))
        #expect(errors.contains("manifest.csv row 5: kind: missing"))
        #expect(errors.contains("manifest.csv row 5: languages: unknown language code 'jrx'; did you mean 'jra', "))  // Viet Nam's first
        #expect(
            errors.contains("manifest.csv row 5: platforms: unknown platform code 'websit'; did you mean 'website'?"))
        #expect(
            errors.contains("manifest.csv row 5: province: unknown province code 'binh-dnh'; did you mean 'binh-dinh'?")
        )
        #expect(errors.contains("manifest.csv row 5: published: '2024-13-01' is not valid"))
        #expect(errors.contains("nothing was ingested"))
        #expect(try ws.products().isEmpty)
        #expect(ws.storedObjects().isEmpty)
    }

    @Test("manifest paths may not leave the manifest's folder")
    func rejectsHostilePaths() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("secret.txt", "secret")
        try ws.write("in/ok.txt", "ok")
        try Workspace.shell("ln -s ../secret.txt '\(ws.root.path)/in/escape.txt'")
        try ws.write(
            "in/manifest.csv",
            """
            path,title,kind
            ../secret.txt,Up,article
            /etc/passwd,Absolute,article
            escape.txt,Link out,article
            sub\\\\x.txt,Backslash,article
            ok.txt,Fine,article
            ok.txt,Twice,article

            """)
        let result = try ws.kho("ingest", "in", "--manifest", "in/manifest.csv")
        #expect(result.status != 0)
        #expect(result.stderr.contains("row 2, path '../secret.txt': contains '..'"))
        #expect(result.stderr.contains("row 3, path '/etc/passwd': is absolute"))
        #expect(result.stderr.contains("row 4, path 'escape.txt': leads outside the manifest's folder"))
        #expect(result.stderr.contains("row 5, path 'sub\\\\x.txt': contains a backslash"))
        #expect(result.stderr.contains("row 7, path 'ok.txt': the same file is on row 6"))
        #expect(try ws.products().isEmpty)
    }

    @Test("a manifest with an unknown column or not in UTF-8 is refused with what to do")
    func rejectsBadManifestShape() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("m.csv", "path,titel,kind\n,x,article\n")
        let unknown = try ws.kho("ingest", "--manifest", "m.csv")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown column 'titel'"))
        try ws.write("latin1.csv", Data("path,title,kind\n,Quy\u{00EA}n,article\n".data(using: .isoLatin1)!))
        let latin = try ws.kho("ingest", "--manifest", "latin1.csv")
        #expect(latin.status != 0)
        #expect(latin.stderr.contains("not UTF-8"))
        #expect(try ws.products().isEmpty)
    }

    @Test("unknown codes on the command line name the flag and the close matches")
    func unknownCodesOnCommandLine() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let path = try ws.write("a.txt", "a")
        let result = try ws.kho(
            "ingest", path, "--kind", "artcle", "--platform", "district-radoi", "--topic", "crc,icerrd")
        #expect(result.status != 0)
        #expect(result.stderr.contains("--kind: unknown kind code 'artcle'; did you mean 'article'?"))
        #expect(
            result.stderr.contains("--platform: unknown platform code 'district-radoi'; did you mean 'district-radio'?")
        )
        #expect(result.stderr.contains("--topic: unknown topic code 'icerrd'; did you mean 'icerd'?"))
        #expect(try ws.products().isEmpty)
        #expect(ws.storedObjects().isEmpty)
    }

    @Test("a repository can extend a vocabulary, and then the new code is accepted")
    func extendsVocabulary() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let path = try ws.write("a.txt", "a")
        #expect(try ws.kho("ingest", path, "--kind", "article", "--platform", "zalo-oa").status != 0)
        try ws.write(
            "storage/vocabulary/platforms.json",
            #"{"vocabulary": "platforms", "version": "local-1", "entries": [{"code": "zalo-oa", "label": "Zalo official account", "labelVi": "Zalo OA", "digital": true}]}"#
        )
        let result = try ws.ok("ingest", path, "--kind", "article", "--platform", "zalo-oa", "--json")
        #expect(result.stdout.contains("\"digital\" : true"))
        try ws.write("storage/vocabulary/kinds.json", "{ not json")
        let broken = try ws.kho("list")
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("vocabulary/kinds.json"))
    }

    @Test("commands on a folder that is not a repository say to run kho init")
    func notARepository() throws {
        let ws = try Workspace()
        let result = try ws.kho("list")
        #expect(result.status != 0)
        #expect(result.stderr.contains("not a kho repository; run `kho init`"))
    }

    @Test("an unknown or malformed product id is a clear error")
    func unknownProduct() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let malformed = try ws.kho("show", "not-an-id")
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("'not-an-id' is not a product id"))
        let missing = try ws.kho("show", "0000000000000000")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("product 0000000000000000: not in this catalogue"))
    }
}

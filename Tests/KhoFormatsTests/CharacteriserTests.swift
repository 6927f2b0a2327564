import Foundation
import KhoCore
import Testing

@testable import KhoFormats

@Suite("characterisation: technical metadata from real files")
struct CharacteriserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/formats")

    func characterise(_ name: String, _ mime: String) -> TechnicalMetadata {
        Characteriser().characterise(path: Self.fixtures.appendingPathComponent(name).path, mime: mime)
    }

    @Test("PDF: version, pages, PDF/A claim, encryption and scan resolution")
    func pdf() {
        let pdfa = characterise("scan-200ppi-pdfa.pdf", "application/pdf")
        #expect(pdfa.formatVersion == "1.4")
        #expect(pdfa.pageCount == 2)
        #expect(pdfa.pdfa == "1B")
        #expect(pdfa.encrypted == false)
        #expect(pdfa.resolutionPPI == 200)
        let low = characterise("scan-100ppi.pdf", "application/pdf")
        #expect(low.resolutionPPI == 100 && low.pdfa == nil && low.pageCount == 1)
        #expect(characterise("old-1.3.pdf", "application/pdf").formatVersion == "1.3")
        #expect(characterise("encrypted.pdf", "application/pdf").encrypted == true)
        // PDF 1.5+: the catalog, page tree and page inside a compressed object stream
        // (Tests/Fixtures/generators/make-objstm-pdf.py; poppler's pdfimages says 200 ppi too).
        let packed = characterise("scan-200ppi-objstm.pdf", "application/pdf")
        #expect(packed.formatVersion == "1.5" && packed.pageCount == 1, "\(packed)")
        #expect(packed.resolutionPPI == 200 && packed.width == 1700 && packed.height == 2200)
        #expect(packed.notes.isEmpty, "\(packed.notes)")
    }

    @Test("zlib inflate stops at its limit and refuses damaged data")
    func inflate() throws {
        let fixture = try Data(contentsOf: Self.fixtures.appendingPathComponent("scan-200ppi-objstm.pdf"))
        // The image stream: 467,500 bytes inflated from about 475.
        let bytes = [UInt8](fixture)
        let start = try #require(PDFParser.find(Array("stream\n".utf8), in: bytes, from: 0)) + 7
        let compressed = Array(bytes[start..<(start + 475)])
        #expect(Inflate.bytes(compressed, limit: 1 << 20)?.count == 1700 / 8 * 2200)
        #expect(Inflate.bytes(compressed, limit: 1000) == nil)
        #expect(Inflate.bytes([0x78, 0x9C, 0xFF, 0xFF, 0x00], limit: 1000) == nil)
    }

    @Test("JPEG, PNG and TIFF: pixel size, resolution and colour mode")
    func images() {
        let jpeg = characterise("photo-300ppi.jpg", "image/jpeg")
        #expect(jpeg.width == 160 && jpeg.height == 120 && jpeg.resolutionPPI == 300 && jpeg.colourMode == "YCbCr")
        #expect(characterise("photo-72ppi.jpg", "image/jpeg").resolutionPPI == 72)
        let png = characterise("poster-300ppi.png", "image/png")
        #expect(png.width == 160 && png.colourMode == "grayscale" && png.resolutionPPI == 300)
        let tiff = characterise("scan-150ppi.tif", "image/tiff")
        #expect(tiff.width == 64 && tiff.height == 48 && tiff.resolutionPPI == 150 && tiff.colourMode == "RGB")
    }

    @Test("MP3 and WAV: duration, bitrate, sample rate, channels, CBR or VBR")
    func audio() throws {
        let cbr = characterise("speech-128kbps.mp3", "audio/mpeg")
        #expect(cbr.bitrateKbps == 128 && cbr.sampleRate == 44_100 && cbr.channels == 1)
        let duration = try #require(cbr.durationSeconds)
        #expect(abs(duration - 1.5) < 0.1)
        #expect(characterise("speech-96kbps.mp3", "audio/mpeg").bitrateKbps == 96)
        let vbr = characterise("speech-vbr.mp3", "audio/mpeg")
        #expect(vbr.bitrateMode == "VBR")
        #expect(abs((vbr.durationSeconds ?? 0) - 1.5) < 0.1)
        let wav = characterise("tone-8k.wav", "audio/x-wav")
        #expect(wav.sampleRate == 8000 && wav.channels == 1 && wav.durationSeconds == 1 && wav.bitrateKbps == 64)
    }

    @Test("MP4: duration, average bitrate, picture size")
    func video() {
        let clip = characterise("clip-2000kbps.mp4", "video/mp4")
        #expect(clip.durationSeconds == 0.2 && clip.width == 320 && clip.height == 240)
        #expect(clip.bitrateKbps == 2012)
        #expect((characterise("clip-400kbps.mp4", "video/mp4").bitrateKbps ?? 0) < 1500)
    }

    @Test("WMA, WMV and AVI (Circular 02/2019): told apart, with duration, bitrate and picture size")
    func microsoftMedia() {
        let path = { (name: String) in Self.fixtures.appendingPathComponent(name).path }
        // libmagic says video/x-ms-asf for both WMA and WMV; the streams say which.
        #expect(Characteriser.refine(mime: "video/x-ms-asf", path: path("speech-128kbps.wma")) == "audio/x-ms-wma")
        #expect(Characteriser.refine(mime: "video/x-ms-asf", path: path("clip-320x240.wmv")) == "video/x-ms-wmv")
        #expect(Characteriser.refine(mime: "image/jpeg", path: path("speech-128kbps.wma")) == "image/jpeg")
        let wma = characterise("speech-128kbps.wma", "audio/x-ms-wma")
        // The values ffprobe gives for the same files: wmav2, 44100 Hz, mono, 128 kb/s; wmv2 320x240;
        // mpeg4 (FMP4) 320x240, 2 s.
        #expect(wma.format == "wma" && wma.bitrateKbps == 128 && wma.sampleRate == 44100 && wma.channels == 1)
        #expect(wma.codec == "wmav2")
        #expect(abs((wma.durationSeconds ?? 0) - 2) < 0.1, "\(wma)")
        let wmv = characterise("clip-320x240.wmv", "video/x-ms-wmv")
        #expect(wmv.format == "wmv" && wmv.width == 320 && wmv.height == 240 && wmv.codec == "wmv2, wmav2")
        #expect(abs((wmv.durationSeconds ?? 0) - 2) < 0.1 && (wmv.bitrateKbps ?? 0) > 100, "\(wmv)")
        let avi = characterise("clip-320x240.avi", "video/x-msvideo")
        #expect(avi.format == "avi" && avi.width == 320 && avi.height == 240 && avi.durationSeconds == 2)
        #expect(avi.codec == "mpeg4", "\(avi)")
        #expect(avi.bitrateKbps == (Double(90_652) * 8 / 2 / 1000).rounded())
        // Damaged: a note, never a crash.
        let cut = characterise("speech-128kbps.wma", "video/x-msvideo")
        #expect(cut.format == "avi" && !cut.notes.isEmpty)
    }

    @Test("EPUB 2 and 3: version, title, language, identifier; DRM detected")
    func epub() {
        let three = characterise("book-epub3.epub", "application/epub+zip")
        #expect(three.formatVersion == "3.0" && three.title == "Sổ tay quyền trẻ em" && three.language == "vi")
        #expect(three.identifier == "urn:uuid:8f0c2a9e-2f4b-4c1d-9a57-3e1b6d0c7a11" && three.encrypted == false)
        let two = characterise("book-epub2.epub", "application/epub+zip")
        #expect(two.formatVersion == "2.0" && two.identifier == "978-604-0-00000-0")
        #expect(characterise("book-drm.epub", "application/epub+zip").encrypted == true)
    }

    @Test("text: encoding and word count")
    func text() {
        let text = characterise("article-vi.txt", "text/plain")
        #expect(text.encoding == "UTF-8" && text.wordCount == 15)
    }

    @Test("truncated, empty, mislabelled and hostile files get a note, never a crash")
    func damagedFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kho-fmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ bytes: [UInt8]) -> String {
            let path = folder.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            return path
        }
        let characteriser = Characteriser()
        let jpeg = try Data(contentsOf: Self.fixtures.appendingPathComponent("photo-300ppi.jpg"))
        let truncated = characteriser.characterise(path: write("t.jpg", Array(jpeg.prefix(30))), mime: "image/jpeg")
        #expect(!truncated.notes.isEmpty)
        #expect(characteriser.characterise(path: write("e.pdf", []), mime: "application/pdf").notes == ["empty file"])
        #expect(!characteriser.characterise(path: write("x.pdf", Array(jpeg)), mime: "application/pdf").notes.isEmpty)
        // An MP4 box that claims 4 GiB, and a box of size 8 repeated: stopped, with a note.
        var huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xF0] + Array("moov".utf8)
        huge += [UInt8](repeating: 0, count: 64)
        #expect(!characteriser.characterise(path: write("h.mp4", huge), mime: "video/mp4").notes.isEmpty)
        let loop = [UInt8]((0..<20_000).flatMap { _ in [0, 0, 0, 8] + Array("free".utf8) })
        #expect(!characteriser.characterise(path: write("l.mp4", loop), mime: "video/mp4").notes.isEmpty)
        let notZip = characteriser.characterise(
            path: write("n.epub", Array("not a zip".utf8)), mime: "application/epub+zip")
        #expect(notZip.notes == ["no ZIP end-of-central-directory record: truncated or damaged"])
        let epub = try Data(contentsOf: Self.fixtures.appendingPathComponent("book-epub3.epub"))
        let cut = characteriser.characterise(
            path: write("cut.epub", Array(epub.prefix(epub.count - 30))), mime: "application/epub+zip")
        #expect(!cut.notes.isEmpty)
    }
}

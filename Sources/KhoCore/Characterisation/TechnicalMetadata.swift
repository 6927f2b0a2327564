/// What kho read from a stored file's own structures: the facts an archivist and the national
/// digitisation profile need. Every field is optional: a parser sets what it could read, and
/// `notes` says what it could not and why (truncated, damaged, encrypted, unsupported).
public struct TechnicalMetadata: Codable, Sendable, Equatable {
    /// The format family kho parsed it as: pdf, jpeg, png, tiff, mp3, wav, mp4, epub, text, or unknown.
    public var format: String
    /// The format's own version: PDF `1.4`, EPUB `3.0`, MPEG `1 layer III`.
    public var formatVersion: String?
    public var pageCount: Int?
    /// The PDF/A part and conformance level the file declares in its XMP metadata, e.g. `1B`.
    public var pdfa: String?
    public var encrypted: Bool?
    public var width: Int?
    public var height: Int?
    /// Resolution in pixels per inch, as stored (for a PDF: estimated from its largest page image).
    public var resolutionPPI: Double?
    /// `RGB`, `grayscale`, `CMYK`, `indexed`, `YCbCr`, …
    public var colourMode: String?
    public var bitsPerSample: Int?
    public var durationSeconds: Double?
    /// Average bitrate in kilobits per second.
    public var bitrateKbps: Double?
    /// `CBR` or `VBR` (MP3).
    public var bitrateMode: String?
    /// The streams' codecs, video first, as ffprobe names them where kho knows the name (`wmv2,
    /// wmav2`), else the FourCC in lower case (ASF, AVI).
    public var codec: String?
    public var sampleRate: Int?
    public var channels: Int?
    /// EPUB: the title, language and unique identifier in the package document.
    public var title: String?
    public var language: String?
    public var identifier: String?
    /// Text: the character encoding detected.
    public var encoding: String?
    public var wordCount: Int?
    public var notes: [String]

    public init(format: String, notes: [String] = []) {
        self.format = format
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case format, pdfa, encrypted, width, height, channels, title, language, identifier, encoding, notes, codec
        case formatVersion = "format_version"
        case pageCount = "page_count"
        case resolutionPPI = "resolution_ppi"
        case colourMode = "colour_mode"
        case bitsPerSample = "bits_per_sample"
        case durationSeconds = "duration_seconds"
        case bitrateKbps = "bitrate_kbps"
        case bitrateMode = "bitrate_mode"
        case sampleRate = "sample_rate"
        case wordCount = "word_count"
    }
}

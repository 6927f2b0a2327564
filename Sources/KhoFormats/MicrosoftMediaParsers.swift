import Foundation
import KhoCore

/// ASF (Advanced Systems Format): the container of WMA audio and WMV video, which Circular 02/2019
/// names. Read from the header object: the File Properties object (duration, preroll) and each
/// Stream Properties object (audio: WAVEFORMATEX; video: the picture size).
enum ASFParser {
    static let header: [UInt8] = [
        0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C,
    ]
    static let fileProperties: [UInt8] = [
        0xA1, 0xDC, 0xAB, 0x8C, 0x47, 0xA9, 0xCF, 0x11, 0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65,
    ]
    static let streamProperties: [UInt8] = [
        0x91, 0x07, 0xDC, 0xB7, 0xB7, 0xA9, 0xCF, 0x11, 0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65,
    ]
    static let audioMedia: [UInt8] = [
        0x40, 0x9E, 0x69, 0xF8, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B,
    ]
    static let videoMedia: [UInt8] = [
        0xC0, 0xEF, 0x19, 0xBC, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B,
    ]

    /// What the header says: streams, and the timing.
    struct Header {
        var hasVideo = false
        var hasAudio = false
        var duration: Double?
        var audioBitrate: Double?
        var sampleRate: Int?
        var channels: Int?
        var width: Int?
        var height: Int?
        var videoCodec: String?
        var audioCodec: String?
        var notes: [String] = []
    }

    /// WAVEFORMATEX format tags, as ffprobe names the codecs.
    static func audioCodec(_ tag: Int) -> String {
        switch tag {
        case 0x0001: "pcm"
        case 0x0055: "mp3"
        case 0x00FF, 0x1610: "aac"
        case 0x0160: "wmav1"
        case 0x0161: "wmav2"
        case 0x0162: "wmapro"
        case 0x0163: "wmalossless"
        case 0x000A: "wmavoice"
        case 0x2000: "ac3"
        default: String(format: "0x%04x", tag)
        }
    }

    /// A FourCC (`WMV2`, `FMP4`) as ffprobe names the codec where it is a known one.
    static func videoCodec(_ fourCC: String) -> String {
        switch fourCC.uppercased() {
        case "WMV1": "wmv1"
        case "WMV2": "wmv2"
        case "WMV3": "wmv3"
        case "WVC1": "vc1"
        case "FMP4", "XVID", "DIVX", "DX50", "MP4V": "mpeg4"
        case "H264", "AVC1", "X264": "h264"
        case "MJPG": "mjpeg"
        default: fourCC.lowercased().trimmingCharacters(in: .whitespaces)
        }
    }

    static func readHeader(_ file: FileBytes) -> Header? {
        let start = file.read(at: 0, count: 30)
        guard start.count == 30, Array(start[0..<16]) == header, let size = start.u64le(16), let count = start.u32le(24)
        else { return nil }
        var result = Header()
        let end = min(Int64(size), file.size)
        var offset: Int64 = 30
        for _ in 0..<min(count, 1000) {
            guard offset + 24 <= end else { break }
            let object = file.read(at: offset, count: 24)
            guard let objectSize = object.u64le(16), objectSize >= 24, offset + objectSize <= end else {
                result.notes.append("a header object at byte \(offset) has an impossible size: truncated or damaged")
                break
            }
            let guid = Array(object[0..<16])
            if guid == fileProperties {
                let body = file.read(at: offset, count: 104)
                if let play = body.u64le(64), let preroll = body.u64le(80) {
                    let seconds = Double(play) / 10_000_000 - Double(preroll) / 1000
                    if seconds > 0 { result.duration = seconds }
                }
            } else if guid == streamProperties {
                let body = file.read(at: offset, count: 78 + 40)
                guard body.count >= 78 else { break }
                let type = Array(body[24..<40])
                if type == audioMedia {
                    result.hasAudio = true
                    if let tag = body.u16le(78) { result.audioCodec = result.audioCodec ?? audioCodec(tag) }
                    if let channels = body.u16le(78 + 2), let rate = body.u32le(78 + 4), let bytes = body.u32le(78 + 8) {
                        result.channels = channels
                        result.sampleRate = rate
                        result.audioBitrate = Double(bytes) * 8 / 1000
                    }
                } else if type == videoMedia {
                    result.hasVideo = true
                    if let width = body.u32le(78), let height = body.u32le(78 + 4), width > 0, height > 0 {
                        result.width = width
                        result.height = height
                    }
                    // BITMAPINFOHEADER after 11 bytes; its compression FourCC at 16.
                    if let fourCC = body.ascii(78 + 11 + 16, 4) { result.videoCodec = result.videoCodec ?? videoCodec(fourCC) }
                }
            }
            offset += objectSize
        }
        return result
    }

    /// WMV when the file holds a video stream, WMA when it holds audio only (libmagic says
    /// `video/x-ms-asf` for both).
    static func mime(_ file: FileBytes) -> String? {
        guard let header = readHeader(file) else { return nil }
        if header.hasVideo { return "video/x-ms-wmv" }
        return header.hasAudio ? "audio/x-ms-wma" : nil
    }

    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        guard let header = readHeader(file) else {
            return TechnicalMetadata(format: "asf", notes: ["no ASF header object: not an ASF file, or damaged"])
        }
        var result = TechnicalMetadata(format: header.hasVideo ? "wmv" : header.hasAudio ? "wma" : "asf")
        result.notes = header.notes
        result.sampleRate = header.sampleRate
        result.channels = header.channels
        result.width = header.width
        result.height = header.height
        let codecs = [header.videoCodec, header.audioCodec].compactMap { $0 }
        if !codecs.isEmpty { result.codec = codecs.joined(separator: ", ") }
        if let duration = header.duration {
            result.durationSeconds = (duration * 1000).rounded() / 1000
            // Audio alone: the stream's own average rate; with video, the whole file's.
            if !header.hasVideo, let audio = header.audioBitrate, audio > 0 {
                result.bitrateKbps = audio.rounded()
            } else {
                result.bitrateKbps = (Double(file.size) * 8 / duration / 1000).rounded()
            }
        } else {
            result.notes.append("no file properties with a duration: truncated or damaged")
        }
        return result
    }
}

/// AVI (RIFF `AVI `): the main AVI header (`avih`) in the `hdrl` list gives the frame duration,
/// frame count and picture size; each stream list (`strl`) its codec.
enum AVIParser {
    /// The codecs of the `strl` lists inside the `hdrl` list at `list`: video first.
    static func streamCodecs(_ file: FileBytes, list: Int64, size: Int64) -> String? {
        var video: [String] = []
        var audio: [String] = []
        var offset = list + 12
        let end = list + 8 + size
        for _ in 0..<64 {
            guard offset + 12 <= end else { break }
            let chunk = file.read(at: offset, count: 12)
            guard let id = chunk.ascii(0, 4), let length = chunk.u32le(4) else { break }
            if id == "LIST", chunk.ascii(8, 4) == "strl" {
                // strh: fccType, fccHandler; strf: BITMAPINFOHEADER (video) or WAVEFORMATEX (audio).
                let strh = file.read(at: offset + 12, count: 16)
                if strh.ascii(0, 4) == "strh", let type = strh.ascii(8, 4), let strhSize = strh.u32le(4) {
                    let strfAt = offset + 12 + 8 + Int64(strhSize) + Int64(strhSize & 1)
                    let strf = file.read(at: strfAt, count: 8 + 20)
                    if type == "vids" {
                        let fourCC = strf.ascii(0, 4) == "strf" ? strf.ascii(8 + 16, 4) : strh.ascii(12, 4)
                        if let fourCC { video.append(ASFParser.videoCodec(fourCC)) }
                    } else if type == "auds", strf.ascii(0, 4) == "strf", let tag = strf.u16le(8) {
                        audio.append(ASFParser.audioCodec(tag))
                    }
                }
            }
            offset += 8 + Int64(length) + Int64(length & 1)
        }
        let codecs = video + audio
        return codecs.isEmpty ? nil : codecs.joined(separator: ", ")
    }

    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "avi")
        let head = file.read(at: 0, count: 12)
        guard head.count == 12, head.ascii(0, 4) == "RIFF", head.ascii(8, 4) == "AVI " else {
            result.notes.append("no RIFF AVI header: not an AVI file, or damaged")
            return result
        }
        // The first list is normally `hdrl`, whose first chunk is `avih`.
        var offset: Int64 = 12
        var found = false
        for _ in 0..<64 {
            let chunk = file.read(at: offset, count: 12)
            guard chunk.count >= 8, let id = chunk.ascii(0, 4), let size = chunk.u32le(4) else { break }
            if id == "LIST", chunk.ascii(8, 4) == "hdrl" {
                let avih = file.read(at: offset + 12, count: 8 + 40)
                if avih.ascii(0, 4) == "avih", let micro = avih.u32le(8), let frames = avih.u32le(8 + 16),
                    let width = avih.u32le(8 + 32), let height = avih.u32le(8 + 36)
                {
                    found = true
                    let duration = Double(micro) * Double(frames) / 1_000_000
                    if width > 0, height > 0 {
                        result.width = width
                        result.height = height
                    }
                    if duration > 0 {
                        result.durationSeconds = (duration * 1000).rounded() / 1000
                        result.bitrateKbps = (Double(file.size) * 8 / duration / 1000).rounded()
                    }
                }
                result.codec = streamCodecs(file, list: offset, size: Int64(size))
                break
            }
            offset += 8 + Int64(size) + Int64(size & 1)
        }
        if !found { result.notes.append("no main AVI header (avih): truncated or damaged") }
        else if result.codec == nil { result.notes.append("no stream header names a codec") }
        else if result.durationSeconds == nil { result.notes.append("the AVI header gives no duration") }
        return result
    }
}

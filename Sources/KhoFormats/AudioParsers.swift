import KhoCore

/// MP3: skips an ID3v2 tag, reads the first frame header, and a Xing/Info or VBRI header when
/// there is one; otherwise samples frames to tell constant from variable bitrate.
enum MP3Parser {
    static let bitrates: [[Int]] = [
        [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],  // MPEG-1 layer I
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],  // MPEG-1 layer II
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],  // MPEG-1 layer III
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],  // MPEG-2/2.5 layer I
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],  // MPEG-2/2.5 layers II, III
    ]

    struct Frame {
        var version: Int  // 1, 2, or 25 for 2.5
        var layer: Int
        var bitrate: Int
        var sampleRate: Int
        var channels: Int
        var length: Int
        var samples: Int
    }

    static func frame(_ bytes: [UInt8], at index: Int = 0) -> Frame? {
        guard index + 4 <= bytes.count, bytes[index] == 0xFF, bytes[index + 1] & 0xE0 == 0xE0 else { return nil }
        let versionBits = (bytes[index + 1] >> 3) & 3
        let layerBits = (bytes[index + 1] >> 1) & 3
        let bitrateIndex = Int(bytes[index + 2] >> 4)
        let rateIndex = Int((bytes[index + 2] >> 2) & 3)
        guard versionBits != 1, layerBits != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else {
            return nil
        }
        let version = versionBits == 3 ? 1 : versionBits == 2 ? 2 : 25
        let layer = 4 - Int(layerBits)
        let table = version == 1 ? layer - 1 : (layer == 1 ? 3 : 4)
        let bitrate = bitrates[table][bitrateIndex]
        let sampleRate = [44_100, 48_000, 32_000][rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4)
        let padding = Int((bytes[index + 2] >> 1) & 1)
        let channels = (bytes[index + 3] >> 6) == 3 ? 1 : 2
        let samples = layer == 1 ? 384 : (layer == 3 && version != 1 ? 576 : 1152)
        let length =
            layer == 1
            ? (12 * bitrate * 1000 / sampleRate + padding) * 4 : samples / 8 * bitrate * 1000 / sampleRate + padding
        return Frame(
            version: version, layer: layer, bitrate: bitrate, sampleRate: sampleRate, channels: channels,
            length: length,
            samples: samples)
    }

    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "mp3")
        var start: Int64 = 0
        let head = file.read(at: 0, count: 10)
        if head.starts(with: "ID3"), head.count == 10 {
            let size =
                Int(head[6] & 0x7F) << 21 | Int(head[7] & 0x7F) << 14 | Int(head[8] & 0x7F) << 7 | Int(head[9] & 0x7F)
            start = 10 + Int64(size) + (head[5] & 0x10 != 0 ? 10 : 0)
        }
        // Find the first frame whose successor also parses, within 64 KiB of the tag.
        let window = file.read(at: start, count: 65_536 + 4)
        var first: (index: Int, frame: Frame)?
        var index = 0
        while index + 4 <= window.count {
            if let candidate = frame(window, at: index) {
                let next = file.read(at: start + Int64(index + candidate.length), count: 4)
                if next.count < 4 || frame(next) != nil {
                    first = (index, candidate)
                    break
                }
            }
            index += 1
        }
        guard let (frameIndex, header) = first else {
            result.notes.append("no MPEG audio frame found: truncated or damaged")
            return result
        }
        let audioStart = start + Int64(frameIndex)
        var audioEnd = file.size
        if file.read(at: file.size - 128, count: 3).starts(with: "TAG") { audioEnd -= 128 }
        result.formatVersion =
            "MPEG-\(header.version == 25 ? "2.5" : String(header.version)) layer \(["I", "II", "III"][header.layer - 1])"
        result.sampleRate = header.sampleRate
        result.channels = header.channels
        let frameBytes = file.read(at: audioStart, count: max(header.length, 200))
        let sideInfo =
            header.layer == 3
            ? (header.version == 1 ? (header.channels == 1 ? 17 : 32) : (header.channels == 1 ? 9 : 17)) : 0
        let xing = 4 + sideInfo
        if frameBytes.starts(with: "Xing", at: xing) || frameBytes.starts(with: "Info", at: xing),
            let flags = frameBytes.u32be(xing + 4)
        {
            result.bitrateMode = frameBytes.starts(with: "Xing", at: xing) ? "VBR" : "CBR"
            var cursor = xing + 8
            var frames: Int?
            var bytes: Int?
            if flags & 1 != 0 {
                frames = frameBytes.u32be(cursor)
                cursor += 4
            }
            if flags & 2 != 0 { bytes = frameBytes.u32be(cursor) }
            if let frames, frames > 0 {
                let duration = Double(frames * header.samples) / Double(header.sampleRate)
                result.durationSeconds = duration
                let audioBytes = Double(bytes ?? Int(audioEnd - audioStart))
                // CBR ("Info"): the frames' own bitrate; VBR ("Xing"): the average over the stream.
                result.bitrateKbps =
                    result.bitrateMode == "CBR" ? Double(header.bitrate) : (audioBytes * 8 / duration / 1000).rounded()
            } else if result.bitrateMode == "CBR" {
                result.bitrateKbps = Double(header.bitrate)
            }
        } else if frameBytes.starts(with: "VBRI", at: 36), let bytes = frameBytes.u32be(46),
            let frames = frameBytes.u32be(50),
            frames > 0
        {
            result.bitrateMode = "VBR"
            let duration = Double(frames * header.samples) / Double(header.sampleRate)
            result.durationSeconds = duration
            result.bitrateKbps = (Double(bytes) * 8 / duration / 1000).rounded()
        } else {
            // No header: sample up to 50 frames; the same bitrate throughout means CBR.
            var offset = audioStart
            var seen = Set<Int>()
            var sampled = 0
            while sampled < 50, let next = frame(file.read(at: offset, count: 4)) {
                seen.insert(next.bitrate)
                offset += Int64(next.length)
                sampled += 1
            }
            result.bitrateMode = seen.count > 1 ? "VBR" : "CBR"
            let bitrate = seen.count > 1 ? Double(seen.reduce(0, +)) / Double(seen.count) : Double(header.bitrate)
            result.bitrateKbps = bitrate
            result.durationSeconds = Double(audioEnd - audioStart) * 8 / (bitrate * 1000)
            if seen.count > 1 {
                result.notes.append("variable bitrate without a Xing or VBRI header: bitrate and duration estimated")
            }
        }
        if let duration = result.durationSeconds { result.durationSeconds = (duration * 1000).rounded() / 1000 }
        return result
    }
}

/// WAV: the RIFF `fmt ` and `data` chunks.
enum WAVParser {
    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "wav")
        let header = file.read(at: 0, count: 12)
        guard header.starts(with: "RIFF"), header.starts(with: "WAVE", at: 8) else {
            result.notes.append("no RIFF WAVE header")
            return result
        }
        var offset: Int64 = 12
        var byteRate: Int?
        var chunks = 0
        while offset + 8 <= file.size, chunks < 1000 {
            chunks += 1
            let chunk = file.read(at: offset, count: 8)
            guard let id = chunk.ascii(0, 4), let size = chunk.u32le(4) else { break }
            if id == "fmt " {
                let fmt = file.read(at: offset + 8, count: min(size, 40))
                result.formatVersion = fmt.u16le(0).map { $0 == 1 ? "PCM" : $0 == 3 ? "IEEE float" : "format \($0)" }
                result.channels = fmt.u16le(2)
                result.sampleRate = fmt.u32le(4)
                byteRate = fmt.u32le(8)
                result.bitsPerSample = fmt.u16le(14)
                if let byteRate { result.bitrateKbps = Double(byteRate) * 8 / 1000 }
            } else if id == "data" {
                let available = min(Int64(size), file.size - offset - 8)
                if let byteRate, byteRate > 0 {
                    result.durationSeconds = (Double(available) / Double(byteRate) * 1000).rounded() / 1000
                }
                if available < Int64(size) {
                    result.notes.append("data chunk truncated: \(available) of \(size) bytes")
                }
                break
            }
            offset += 8 + Int64(size) + Int64(size & 1)
        }
        if result.sampleRate == nil { result.notes.append("no fmt chunk: truncated or damaged") }
        return result
    }
}

/// MP4 and QuickTime: the box tree, for the movie header (duration) and the first visual track's size.
enum MP4Parser {
    static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "edts", "udta"]

    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "mp4")
        var boxes = 0
        var duration: Double?
        func walk(from start: Int64, to end: Int64, depth: Int) {
            var offset = start
            while offset + 8 <= end, boxes < 10_000 {
                boxes += 1
                let header = file.read(at: offset, count: 16)
                guard let size32 = header.u32be(0), let type = header.ascii(4, 4) else { return }
                var size = Int64(size32)
                var headerLength: Int64 = 8
                if size32 == 1 {
                    guard let large = header.u64be(8) else { return }
                    size = large
                    headerLength = 16
                } else if size32 == 0 {
                    size = end - offset
                }
                guard size >= headerLength, offset + size <= end else {
                    result.notes.append(
                        "box '\(type)' at byte \(offset) has an impossible size \(size): truncated or damaged")
                    return
                }
                let body = offset + headerLength
                if type == "ftyp" {
                    result.formatVersion = file.read(at: body, count: 4).ascii(0, 4)
                } else if type == "mvhd" {
                    let mvhd = file.read(at: body, count: 32)
                    if mvhd.first == 1, let scale = mvhd.u32be(20), let length = mvhd.u64be(24), scale > 0 {
                        duration = Double(length) / Double(scale)
                    } else if let scale = mvhd.u32be(12), let length = mvhd.u32be(16), scale > 0 {
                        duration = Double(length) / Double(scale)
                    }
                } else if type == "tkhd", result.width == nil {
                    let tkhd = file.read(at: body, count: 96)
                    let base = tkhd.first == 1 ? 88 : 76
                    if let width = tkhd.u32be(base), let height = tkhd.u32be(base + 4), width > 0, height > 0 {
                        result.width = width >> 16
                        result.height = height >> 16
                    }
                } else if containers.contains(type), depth < 8 {
                    walk(from: body, to: offset + size, depth: depth + 1)
                }
                offset += size
            }
        }
        walk(from: 0, to: file.size, depth: 0)
        if boxes >= 10_000 { result.notes.append("more than 10,000 boxes: stopped reading") }
        if let duration, duration > 0 {
            result.durationSeconds = (duration * 1000).rounded() / 1000
            result.bitrateKbps = (Double(file.size) * 8 / duration / 1000).rounded()
        } else {
            result.notes.append("no movie header with a duration: truncated or damaged")
        }
        return result
    }
}

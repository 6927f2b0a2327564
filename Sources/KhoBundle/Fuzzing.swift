import Foundation

/// Entry points for `scripts/fuzz`: the readers of bag tag files and manifests, given bytes
/// someone else made. Each must return (problems listed, never a crash or a hang) for any input.
public enum BagFuzzing {
    /// `bag-info.txt` and `bagit.txt`, as the verifier reads them (UTF-8, or the declared encoding).
    public static func tagFile(_ data: Data) -> Int {
        var problems: [String] = []
        guard let text = BagIt.text(data, encoding: "UTF-8") ?? BagIt.text(data, encoding: "ISO-8859-1") else { return 0 }
        return BagIt.parseInfo(BagIt.lines(text), file: "bag-info.txt", problems: &problems).count + problems.count
    }

    /// A payload manifest (`manifest-sha256.txt`).
    public static func manifest(_ data: Data) -> Int {
        var problems: [String] = []
        guard let text = BagIt.text(data, encoding: "UTF-8") else { return 0 }
        return BagIt.parseManifest(BagIt.lines(text), name: "manifest-sha256.txt", length: 64, payload: true, problems: &problems)
            .count + problems.count
    }
}

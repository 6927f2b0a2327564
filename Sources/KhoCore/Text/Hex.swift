/// Bytes as lower-case hexadecimal, the form digests are stored and shown in.
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

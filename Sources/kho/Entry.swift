import KhoCLI

/// `kho`: runs the command line (asynchronous, for `kho serve` and the application layer).
@main
struct Entry {
    static func main() async {
        await Kho.main()
    }
}

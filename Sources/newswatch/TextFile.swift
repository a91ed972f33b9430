#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NewswatchBase

/// A regular file's bytes and modification time, when it is UTF-8 text the core would diff as
/// text (not HTML, no byte-order mark); nil otherwise.
struct TextFile {
    let bytes: [UInt8]
    let modified: Double

    init?(_ path: String) {
        guard !path.hasSuffix(".html"), !path.hasSuffix(".htm") else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        // Read straight into the array's storage (no zero-filling first: a page touched once).
        let size = Int(status.st_size)
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            while initialized < size {
                let count = read(descriptor, buffer.baseAddress! + initialized, size - initialized)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { complete = false; return }  // an error, or the file shrank while read
                initialized += count
            }
        }
        guard complete else { return nil }
        guard !Self.looksLikeHTML(bytes), !bytes.starts(with: [0xEF, 0xBB, 0xBF]), UTF8Validation.isValid(bytes) else { return nil }
        self.bytes = bytes
        modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
    }

    /// The core's test: "<html" or "<!doctype html" in the first 1,024 bytes, any case.
    static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(1024).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        func contains(_ needle: String) -> Bool {
            let pattern = Array(needle.utf8)
            guard head.count >= pattern.count else { return false }
            return (0...(head.count - pattern.count)).contains { start in head[start..<(start + pattern.count)].elementsEqual(pattern) }
        }
        return contains("<html") || contains("<!doctype html")
    }
}

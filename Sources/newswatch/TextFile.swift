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
        guard !HTMLSniffing.hasHTMLName(path) else { return nil }
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
        guard !HTMLSniffing.isHTML(path: path, bytes: bytes), !bytes.starts(with: [0xEF, 0xBB, 0xBF]), UTF8Validation.isValid(bytes) else { return nil }
        self.bytes = bytes
        modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
    }
}

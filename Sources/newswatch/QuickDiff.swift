#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NewswatchBase

/// `newswatch diff --no-index OLD NEW` for two text files written to a pipe or a file: the
/// same unified diff and exit status as newswatch-core, without loading it. Whatever it does
/// not cover goes to the core: other options, a terminal (colored word diff, pager), HTML
/// files (extracted first), and files it cannot read or that are not UTF-8 (the core names
/// the problem).
enum QuickDiff {
    struct Request {
        var oldPath: String
        var newPath: String

        /// `diff`, `--no-index` and flags that change nothing off a terminal, then OLD NEW.
        init?(_ arguments: [String]) {
            guard arguments.first == "diff" else { return nil }
            let harmless: Set<String> = ["--exit-code", "--unified", "--no-pager", "--color=never", "--color=auto"]
            var seen: Set<String> = []
            var rest = arguments.dropFirst()
            while let flag = rest.first, flag.hasPrefix("-") {
                guard flag == "--no-index" || harmless.contains(flag), seen.insert(flag).inserted else { return nil }
                rest = rest.dropFirst()
            }
            guard seen.contains("--no-index"), rest.count == 2, let old = rest.first, let new = rest.last,
                  !old.isEmpty, !new.isEmpty, !new.hasPrefix("-") else { return nil }
            oldPath = old
            newPath = new
        }
    }

    /// The exit status (0 same, 1 different), or nil when the core should answer.
    static func run(_ request: Request) -> Int32? {
        guard isatty(STDOUT_FILENO) == 0 else { return nil }
        guard let old = TextFile(request.oldPath), let new = TextFile(request.newPath) else { return nil }
        let diff = TextDiff(oldBytes: old.bytes, newBytes: new.bytes)
        guard diff.hasChanges else { return 0 }
        let output = diff.unifiedBytes(oldLabel: "\(request.oldPath)\t\(UTCTimestamp.rfc3339(secondsSince1970: old.modified))",
                                  newLabel: "\(request.newPath)\t\(UTCTimestamp.rfc3339(secondsSince1970: new.modified))")
        guard writeAll(output) else {
            let message = "newswatch: cannot write the diff: \(String(cString: strerror(errno)))\n"
            _ = message.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
            return 2
        }
        return 1
    }

    private static func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}

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

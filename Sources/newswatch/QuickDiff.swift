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

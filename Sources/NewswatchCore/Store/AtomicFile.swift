import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Write-temp, fsync, rename, fsync-directory: a reader (or a crash) sees the old file or the
/// new one, never a torn one.
enum AtomicFile {
    static func write(_ data: Data, to path: String, temporaryDirectory: String) throws {
        let temp = (temporaryDirectory as NSString).appendingPathComponent("tmp-\(getpid())-\(UUID().uuidString)")
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io(path: temp, reason: String(cString: strerror(errno))) }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; break }
                offset += n
            }
        }
        if ok && fsync(fd) != 0 { ok = false }
        let error = errno
        close(fd)
        guard ok else {
            unlink(temp)
            throw StoreError.io(path: path, reason: "write failed: \(String(cString: strerror(error)))")
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw StoreError.io(path: path, reason: "rename failed: \(reason)")
        }
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

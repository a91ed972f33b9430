import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock` on a file: one writer per store across processes. The kernel drops
/// it when the process dies, so a killed run never leaves the store locked.
final class FileLock {
    private let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Takes the lock, polling until `wait` seconds pass (nil: try once).
    func lock(wait: TimeInterval?) async throws {
        let deadline = Date().addingTimeInterval(wait ?? 0)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw StoreError.io(path: path, reason: "flock failed: \(String(cString: strerror(errno)))")
            }
            if Date() >= deadline { throw StoreError.locked(path: path) }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    func unlock() { flock(fd, LOCK_UN) }
}

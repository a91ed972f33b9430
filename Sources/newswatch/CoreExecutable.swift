#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The full program, `newswatch-core`, installed in the same directory as the launcher
/// (found through the launcher's real path, so a symlink to it works), or where
/// `NEWSWATCH_CORE` says.
enum CoreExecutable {
    static let name = "newswatch-core"

    static var path: String {
        if let configured = getenv("NEWSWATCH_CORE"), configured.pointee != 0 { return String(cString: configured) }
        return directory(of: launcherPath) + "/" + name
    }

    /// Runs the core with this process's arguments in its place; returns only to exit on failure.
    static func replaceThisProcess() -> Never {
        let core = path
        execv(core, CommandLine.unsafeArgv)
        let reason = String(cString: strerror(errno))
        let message = "newswatch: cannot run \(core): \(reason). The launcher `newswatch` runs `\(name)` installed beside it: "
            + "build both (`swift build -c release --static-swift-stdlib`) and copy both.\n"
        _ = message.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
        exit(127)
    }

    private static var launcherPath: String {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 { return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        #endif
        return CommandLine.arguments[0]
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

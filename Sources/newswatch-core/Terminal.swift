import Foundation
import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

enum Terminal {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Columns of the terminal (stdout), from the tty, $COLUMNS, or 100.
    static var width: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Messages quote servers (reasons, bodies, types): control characters are stripped.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("newswatch: \(ControlCharacters.strip(message))\n".utf8))
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("newswatch: warning: \(ControlCharacters.strip(message))\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data("\(ControlCharacters.strip(message))\n".utf8))
    }

    /// Shows text through $PAGER (default `less -R`, quitting at once when it fits a screen).
    static func page(_ text: String) {
        let environment = ProcessInfo.processInfo.environment
        let pager = environment["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less"
        if pager == "cat" { write(text); return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", pager]
        var pagerEnvironment = environment
        if pagerEnvironment["LESS"] == nil { pagerEnvironment["LESS"] = "FRX" }
        process.environment = pagerEnvironment
        let pipe = Pipe()
        process.standardInput = pipe
        do {
            try process.run()
        } catch {
            write(text)
            return
        }
        signal(SIGPIPE, SIG_IGN)
        pipe.fileHandleForWriting.write(Data(text.utf8))
        try? pipe.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

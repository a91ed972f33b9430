import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse the store: story timelines, diffs and versions in a web page; Atom feeds of changes.",
        discussion: """
        Read-only, and safe beside a running `check` or `watch` (readers never wait for the \
        writer and never see half a write). Listens on 127.0.0.1:8080 by default; any other \
        address needs --token (or NEWSWATCH_TOKEN): clients send it as `Authorization: \
        Bearer TOKEN`, as the password of basic auth, or as ?token=.

        Pages: / (every watch; ?q= filters), /w/WATCH (timeline), /w/WATCH/diff/A/B \
        (?view=side), /w/WATCH/v/N (the article), /w/WATCH/v/N/page (the page as fetched, \
        as text). Atom: /feed.atom (all changes), /w/WATCH/feed.atom, /s/SOURCE/feed.atom \
        (a followed publication). JSON: /api/list, /api/log/WATCH, /api/show/WATCH/N, \
        /api/diff/WATCH/A/B.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Address and port to listen on (IPv4; port 0 picks a free one and prints it).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(help: ArgumentHelp("Token required from clients (default: $NEWSWATCH_TOKEN); needed to listen beyond loopback.", valueName: "token"))
    var token: String?

    private var address: (host: String, port: UInt16)? {
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else { return nil }
        let host = String(listen[..<colon])
        let parts = host.split(separator: ".")
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return nil }
        return (host, port)
    }

    private var effectiveToken: String? {
        let value = token ?? ProcessInfo.processInfo.environment["NEWSWATCH_TOKEN"]
        return (value?.isEmpty ?? true) ? nil : value
    }

    func validate() throws {
        guard let address else { throw ValidationError("--listen '\(listen)' is not an IPv4 address and port (e.g. 127.0.0.1:8080)") }
        if !address.host.hasPrefix("127."), effectiveToken == nil {
            throw ValidationError("--listen \(listen) is reachable from other machines: give --token (or set NEWSWATCH_TOKEN)")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let store = try global.openExistingStore()
            guard let address else { return }
            let server = try WebServer(host: address.host, port: address.port, app: WebApp(view: StoreView(store: store), token: effectiveToken))
            let signals = SignalFlags()
            signals.install()
            let stopper = Task {
                while !signals.stopRequested { try? await Task.sleep(nanoseconds: 200_000_000) }
                await server.stop()
            }
            defer { stopper.cancel() }
            let host = address.host
            try await server.run { port in
                // The first line of stdout is the address (scripts and tests read it).
                Terminal.write("http://\(host):\(port)/\n")
            }
        }
    }
}

import CCurl
import Foundation

/// libcurl's multi interface, driven from a dedicated thread so that blocking in
/// `curl_multi_poll` never ties up Swift's small cooperative thread pool.
public struct CurlFetcher: Fetcher {
    public var maxConcurrent: Int
    public var maxPerHost: Int
    /// Least time between the starts of two requests to one host (0: none).
    public var perHostDelay: TimeInterval
    public var userAgent: String
    /// When each host may next be asked; shared by every fetch of this fetcher, so the delay
    /// holds across the batches a check fetches in.
    let pacer = HostPacer()
    /// Open connections, kept from one batch to the next.
    let connections = ConnectionCache()
    /// Transfers in progress, so `stop()` can abort them.
    let cancellation = FetchCancellation()

    public static let defaultUserAgent = "newswatch/\(NewswatchVersion.current) (news page monitor; +https://github.com/newswatch/newswatch)"

    public init(maxConcurrent: Int = 16, maxPerHost: Int = 2, perHostDelay: TimeInterval = 0, userAgent: String = CurlFetcher.defaultUserAgent) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.maxPerHost = max(1, maxPerHost)
        self.perHostDelay = max(0, perHostDelay)
        self.userAgent = userAgent
    }

    public func fetch(_ requests: [FetchRequest]) async -> [Result<FetchResult, FetchError>] {
        if requests.isEmpty { return [] }
        let config = self
        let token = cancellation.register()
        defer { cancellation.unregister(token) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: CurlMultiSession(config: config, token: token).run(requests))
                }
                thread.name = "newswatch-curl"
                thread.start()
            }
        } onCancel: {
            token.cancel()
        }
    }

    /// Aborts every transfer in progress (within one poll, a fifth of a second) and makes
    /// every later fetch fail at once with `.cancelled`: for a clean, quick shutdown.
    public func stop() { cancellation.stopAll() }
}

private let curlGlobalInit: Void = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

/// Per-transfer state handed to libcurl's C callbacks as userdata.
private final class Transfer {
    let index: Int
    let request: FetchRequest
    /// When the request was handed to libcurl: its timeout counts from here, not from when it
    /// was queued behind its host's other requests.
    let started = Date()
    var body = Data()
    var headers: [String: String] = [:]
    var exceededLimit = false
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// Shared with the C address checks; `blocked` is set when they refused an address.
    let guardState = UnsafeMutablePointer<nw_guard>.allocate(capacity: 1)
    /// The host whose per-host slot this transfer holds.
    let host: String

    init(index: Int, request: FetchRequest, host: String) {
        self.index = index
        self.request = request
        self.host = host
        guardState.initialize(to: nw_guard(easy: nil, blocked: 0, via_proxy: request.proxy == nil ? 0 : 1))
    }

    var blocked: Bool { guardState.pointee.blocked != 0 }

    deinit {
        curl_slist_free_all(headerList)
        guardState.deallocate()
    }
}

private let writeCallback: nw_data_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    if transfer.body.count + length > transfer.request.limits.maxBodyBytes {
        transfer.exceededLimit = true
        return 0  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
    }
    pointer.withMemoryRebound(to: UInt8.self, capacity: length) { transfer.body.append($0, count: length) }
    return length
}

private let headerCallback: nw_data_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        transfer.headers = [:]  // a new response (after a redirect or 100-continue) starts afresh
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        transfer.headers[name] = value
    }
    return length
}

/// libcurl's connection and DNS caches, shared by all transfers of one fetcher.
final class ConnectionCache: @unchecked Sendable {
    fileprivate let share = nw_share_new()
    deinit { nw_share_free(share) }
}

/// When each host may next be asked, for the per-host delay.
final class HostPacer: @unchecked Sendable {
    private var nextStart: [String: Date] = [:]
    private let lock = NSLock()

    /// Takes `host`'s turn if it has come, and sets the next one `delay` later.
    func claim(_ host: String, at now: Date, delay: TimeInterval) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let next = nextStart[host], now < next { return false }
        nextStart[host] = now.addingTimeInterval(delay)
        return true
    }
}

/// Transfers in progress, so a shutdown can abort them.
final class FetchCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [ObjectIdentifier: FetchToken] = [:]
    private var stopped = false

    func register() -> FetchToken {
        let token = FetchToken()
        lock.lock()
        defer { lock.unlock() }
        if stopped { token.cancel() }
        tokens[ObjectIdentifier(token)] = token
        return token
    }

    func unregister(_ token: FetchToken) {
        lock.lock()
        tokens[ObjectIdentifier(token)] = nil
        lock.unlock()
    }

    func stopAll() {
        lock.lock()
        stopped = true
        let all = Array(tokens.values)
        lock.unlock()
        for token in all { token.cancel() }
    }
}

/// One fetch call's cancellation flag, read by its libcurl thread between polls.
final class FetchToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
    func cancel() { lock.lock(); cancelled = true; lock.unlock() }
}

private struct CurlMultiSession {
    let config: CurlFetcher
    let token: FetchToken
    /// Longest wait in one poll: bounds how late a cancellation is noticed.
    static let pollMilliseconds: Int32 = 200

    func run(_ requests: [FetchRequest]) -> [Result<FetchResult, FetchError>] {
        _ = curlGlobalInit
        var results = [Result<FetchResult, FetchError>?](repeating: nil, count: requests.count)
        guard let multi = curl_multi_init() else {
            return requests.map { _ in .failure(.transport(code: -1, message: "curl_multi_init failed")) }
        }
        defer { curl_multi_cleanup(multi) }
        nw_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, config.maxConcurrent)

        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        // Requests start only when their host has a free slot, so a request never spends its
        // timeout queued behind slow pages of its host (libcurl's own per-host queue would).
        var perHost: [String: Int] = [:]
        // Not started yet, in order. A request waiting for its host's slot or turn lets later
        // requests to other hosts go ahead.
        var pending = Array(requests.indices)
        let hosts = requests.map { URLComponents(string: $0.url)?.host?.lowercased() ?? $0.url }
        func release(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer) {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            perHost[transfer.host, default: 1] -= 1
            Unmanaged.passUnretained(transfer).release()
        }
        func startMore() {
            var position = 0
            let now = Date()
            while active.count < config.maxConcurrent, position < pending.count {
                let index = pending[position]
                let host = hosts[index]
                if perHost[host, default: 0] >= config.maxPerHost
                    || (config.perHostDelay > 0 && !config.pacer.claim(host, at: now, delay: config.perHostDelay)) {
                    position += 1
                    continue
                }
                pending.remove(at: position)
                switch makeEasy(for: Transfer(index: index, request: requests[index], host: host)) {
                case .success(let (easy, transfer)):
                    perHost[host, default: 0] += 1
                    let code = curl_multi_add_handle(multi, easy)
                    if code == CURLM_OK {
                        active[easy] = transfer
                    } else {
                        results[index] = .failure(.transport(code: Int(code.rawValue), message: String(cString: curl_multi_strerror(code))))
                        release(easy, transfer)
                    }
                case .failure(let error):
                    results[index] = .failure(error)
                }
            }
        }
        startMore()
        var running: Int32 = 0
        while !active.isEmpty || !pending.isEmpty {
            if token.isCancelled {
                for (easy, transfer) in active {
                    results[transfer.index] = .failure(.cancelled)
                    release(easy, transfer)
                }
                active = [:]
                for index in pending { results[index] = .failure(.cancelled) }
                pending = []
                break
            }
            let performed = curl_multi_perform(multi, &running)
            if performed != CURLM_OK {
                // The multi handle itself broke: every transfer in it fails with the reason.
                let message = String(cString: curl_multi_strerror(performed))
                for (easy, transfer) in active {
                    results[transfer.index] = .failure(.transport(code: Int(performed.rawValue), message: message))
                    release(easy, transfer)
                }
                active = [:]
            }
            var remaining: Int32 = 0
            var finished = false
            while let message = curl_multi_info_read(multi, &remaining) {
                guard nw_msg_is_done(message) != 0, let easy = nw_msg_easy(message),
                      let transfer = active.removeValue(forKey: easy) else { continue }
                finished = true
                results[transfer.index] = finish(easy: easy, transfer: transfer, code: nw_msg_result(message))
                release(easy, transfer)
            }
            startMore()
            // A finished transfer freed its host's slot: perform again at once so the next
            // request starts now, not after the next poll wakes up.
            if finished { continue }
            if !active.isEmpty || !pending.isEmpty {
                // Waiting on a host's delay: look again soon (the poll waits even with no transfers).
                let wait = pending.isEmpty || !active.isEmpty && config.perHostDelay == 0 ? Self.pollMilliseconds : 10
                curl_multi_poll(multi, nil, 0, wait, nil)
            }
        }
        return results.map { $0 ?? .failure(.transport(code: -1, message: "transfer did not complete")) }
    }

    private func makeEasy(for transfer: Transfer) -> Result<(UnsafeMutableRawPointer, Transfer), FetchError> {
        let request = transfer.request
        guard let scheme = request.url.split(separator: ":", maxSplits: 1).first?.lowercased(),
              request.url.contains("://") else {
            return .failure(.invalidURL(request.url))
        }
        let allowed = request.limits.allowFileScheme ? ["http", "https", "file"] : ["http", "https"]
        guard allowed.contains(scheme) else { return .failure(.schemeNotAllowed(scheme)) }
        guard let easy = curl_easy_init() else { return .failure(.transport(code: -1, message: "curl_easy_init failed")) }

        let limits = request.limits
        nw_easy_setopt_string(easy, CURLOPT_URL, request.url)
        nw_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, allowed.joined(separator: ","))
        nw_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        nw_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        nw_easy_setopt_long(easy, CURLOPT_MAXREDIRS, limits.maxRedirects)
        nw_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        nw_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000))
        nw_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(limits.totalTimeout * 1000))
        nw_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBodyBytes))
        nw_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        nw_easy_setopt_string(easy, CURLOPT_USERAGENT, config.userAgent)
        // Proxies come from the watchlist only: an http_proxy in the environment would route
        // around block_private_networks and surprise a cron job. "" turns them off.
        nw_easy_setopt_string(easy, CURLOPT_PROXY, request.proxy ?? "")
        if limits.blockPrivateNetworks {
            guard nw_easy_block_private_networks(easy, transfer.guardState) == CURLE_OK else {
                curl_easy_cleanup(easy)
                return .failure(.transport(code: -1, message: "this libcurl cannot check addresses before each request (needs 7.80 or later)"))
            }
            // Checked before every request anyway; a fresh connection keeps this watch's
            // traffic off connections other watches opened.
            nw_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1)
            nw_easy_setopt_long(easy, CURLOPT_FORBID_REUSE, 1)
        }
        if let share = config.connections.share { nw_easy_use_share(easy, share) }

        var headerLines = request.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        if let etag = request.etag { headerLines.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headerLines.append("If-Modified-Since: \(lastModified)") }
        for line in headerLines { transfer.headerList = curl_slist_append(transfer.headerList, line) }
        if let list = transfer.headerList { nw_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list) }

        if request.method != "GET" { nw_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method) }
        if let body = request.body {
            nw_easy_setopt_long(easy, CURLOPT_POST, 1)
            nw_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies, so the buffer need not outlive this call.
                _ = nw_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }

        let userdata = Unmanaged.passRetained(transfer).toOpaque()
        nw_easy_setopt_write_callback(easy, writeCallback)
        nw_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, userdata)
        nw_easy_setopt_header_callback(easy, headerCallback)
        nw_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, userdata)
        return .success((easy, transfer))
    }

    private func finish(easy: UnsafeMutableRawPointer, transfer: Transfer, code: CURLcode) -> Result<FetchResult, FetchError> {
        let request = transfer.request
        if transfer.exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(.bodyTooLarge(limit: request.limits.maxBodyBytes))
        }
        if transfer.blocked { return .failure(.blockedAddress(request.url)) }
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            if code == CURLE_OPERATION_TIMEDOUT { return .failure(.timedOut("\(message) after \(request.limits.totalTimeout)s")) }
            if code == CURLE_UNSUPPORTED_PROTOCOL { return .failure(.redirectRefused) }
            return .failure(.transport(code: Int(code.rawValue), message: message))
        }
        var status = 0
        nw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        nw_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        let finalURL = effective.map { String(cString: $0) } ?? request.url
        if status == 0 && finalURL.lowercased().hasPrefix("file:") { status = 200 }
        return .success(FetchResult(
            requestedURL: request.url, finalURL: finalURL, status: status, headers: transfer.headers,
            body: transfer.body, elapsed: Date().timeIntervalSince(transfer.started)))
    }
}

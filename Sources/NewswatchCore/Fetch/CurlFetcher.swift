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
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: CurlMultiSession(config: config).run(requests))
            }
            thread.name = "newswatch-curl"
            thread.start()
        }
    }
}

private let curlGlobalInit: Void = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

/// Per-transfer state handed to libcurl's C callbacks as userdata.
private final class Transfer {
    let index: Int
    let request: FetchRequest
    let started = Date()
    var body = Data()
    var headers: [String: String] = [:]
    var exceededLimit = false
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// Set by the C socket callback when it refused a private address.
    let blocked = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

    init(index: Int, request: FetchRequest) {
        self.index = index
        self.request = request
        blocked.pointee = 0
    }

    deinit {
        curl_slist_free_all(headerList)
        blocked.deallocate()
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

private struct CurlMultiSession {
    let config: CurlFetcher

    func run(_ requests: [FetchRequest]) -> [Result<FetchResult, FetchError>] {
        _ = curlGlobalInit
        var results = [Result<FetchResult, FetchError>?](repeating: nil, count: requests.count)
        guard let multi = curl_multi_init() else {
            return requests.map { _ in .failure(.transport(code: -1, message: "curl_multi_init failed")) }
        }
        defer { curl_multi_cleanup(multi) }
        nw_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, config.maxConcurrent)
        nw_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, config.maxPerHost)

        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        // Not started yet, in order. With a per-host delay a request waits for its host's
        // turn while later requests to other hosts go ahead.
        var pending = Array(requests.indices)
        let hosts = config.perHostDelay > 0 ? requests.map { URLComponents(string: $0.url)?.host?.lowercased() } : []
        func startMore() {
            var position = 0
            let now = Date()
            while active.count < config.maxConcurrent * 2, position < pending.count {
                let index = pending[position]
                if config.perHostDelay > 0, let host = hosts[index], !config.pacer.claim(host, at: now, delay: config.perHostDelay) {
                    position += 1
                    continue
                }
                pending.remove(at: position)
                switch makeEasy(for: Transfer(index: index, request: requests[index])) {
                case .success(let (easy, transfer)):
                    active[easy] = transfer
                    curl_multi_add_handle(multi, easy)
                case .failure(let error):
                    results[index] = .failure(error)
                }
            }
        }
        startMore()
        var running: Int32 = 0
        repeat {
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            var finished = false
            while let message = curl_multi_info_read(multi, &remaining) {
                guard nw_msg_is_done(message) != 0, let easy = nw_msg_easy(message),
                      let transfer = active.removeValue(forKey: easy) else { continue }
                finished = true
                results[transfer.index] = finish(easy: easy, transfer: transfer, code: nw_msg_result(message))
                curl_multi_remove_handle(multi, easy)
                curl_easy_cleanup(easy)
                Unmanaged.passUnretained(transfer).release()
            }
            startMore()
            // A finished transfer frees a connection for one libcurl queued behind the per-host
            // limit; perform again at once so it starts now, not after the next poll wakes up.
            if finished { continue }
            if !active.isEmpty || !pending.isEmpty {
                // Waiting on a host's delay: look again soon (the poll waits even with no transfers).
                curl_multi_poll(multi, nil, 0, pending.isEmpty ? 200 : 10, nil)
            }
        } while !active.isEmpty || !pending.isEmpty
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
        if limits.blockPrivateNetworks {
            nw_easy_block_private_networks(easy, transfer.blocked)
            // The address check runs when a connection opens: never reuse one opened by a
            // watch that did not ask for it.
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
        if transfer.blocked.pointee != 0 { return .failure(.blockedAddress(request.url)) }
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

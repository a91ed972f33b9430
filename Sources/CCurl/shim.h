#ifndef NEWSWATCH_CCURL_SHIM_H
#define NEWSWATCH_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt / getinfo / multi_setopt are variadic, which Swift cannot call:
   these typed wrappers are the whole of the bridge. */
static inline CURLcode nw_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*nw_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode nw_easy_setopt_write_callback(CURL *h, nw_data_callback cb) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb); }
static inline CURLcode nw_easy_setopt_header_callback(CURL *h, nw_data_callback cb) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb); }
static inline CURLcode nw_easy_setopt_read_callback(CURL *h, nw_data_callback cb) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, cb); }

static inline CURLcode nw_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode nw_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

/* A connection cache (and DNS cache) shared by every transfer of one fetcher, so a check that
   fetches in batches keeps its connections warm from one batch to the next instead of
   opening new ones per batch. One recursive mutex guards the shared data: batches run one
   after another, but a webhook delivery may run beside them. */
#include <pthread.h>
#include <stdlib.h>
typedef struct { CURLSH *share; pthread_mutex_t lock; } nw_share;
static void nw_share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *user) {
    (void) h; (void) d; (void) a; pthread_mutex_lock(&((nw_share *) user)->lock);
}
static void nw_share_unlock(CURL *h, curl_lock_data d, void *user) {
    (void) h; (void) d; pthread_mutex_unlock(&((nw_share *) user)->lock);
}
static inline nw_share *nw_share_new(void) {
    nw_share *s = (nw_share *) calloc(1, sizeof(nw_share));
    if (s == NULL) return NULL;
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&s->lock, &attributes);
    pthread_mutexattr_destroy(&attributes);
    s->share = curl_share_init();
    if (s->share == NULL) { free(s); return NULL; }
    curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, nw_share_lock);
    curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, nw_share_unlock);
    curl_share_setopt(s->share, CURLSHOPT_USERDATA, s);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    return s;
}
static inline void nw_share_free(nw_share *s) {
    if (s == NULL) return;
    curl_share_cleanup(s->share);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
static inline CURLcode nw_easy_use_share(CURL *h, nw_share *s) { return curl_easy_setopt(h, CURLOPT_SHARE, s->share); }

/* CURLMsg holds a union; these keep Swift away from it. */
static inline CURL *nw_msg_easy(CURLMsg *m) { return m->easy_handle; }
static inline int nw_msg_is_done(CURLMsg *m) { return m->msg == CURLMSG_DONE; }
static inline CURLcode nw_msg_result(CURLMsg *m) { return m->data.result; }


/* block_private_networks: libcurl calls this for every connection it opens, after DNS
   resolution and again on each redirect to a new host, so the check sees the real address.
   Loopback, private, link-local (metadata 169.254.169.254 included), CGNAT, unique-local,
   multicast and unspecified addresses are refused; *blocked records why the transfer failed. */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <string.h>

/* True for addresses no watch with block_private_networks may reach. */
static inline int nw_is_private_ipv4(const unsigned char *x) {
    unsigned int b0 = x[0], b1 = x[1];
    return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xF0) == 16)
        || (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xC0) == 64) || b0 >= 224;
}

static inline int nw_is_private_ipv6(const unsigned char *x) {
    static const unsigned char loopback[16] = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1};
    static const unsigned char unspecified[16] = {0};
    static const unsigned char mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xFF,0xFF};
    if (memcmp(x, loopback, 16) == 0 || memcmp(x, unspecified, 16) == 0) return 1;
    if ((x[0] & 0xFE) == 0xFC) return 1;                 /* fc00::/7 unique local */
    if (x[0] == 0xFE && (x[1] & 0xC0) == 0x80) return 1; /* fe80::/10 link local */
    if (x[0] == 0xFF) return 1;                          /* multicast */
    if (memcmp(x, mapped, 12) == 0) return nw_is_private_ipv4(x + 12); /* ::ffff:a.b.c.d */
    return 0;
}

static inline int nw_is_private_address(const struct curl_sockaddr *address) {
    if (address->family == AF_INET)
        return nw_is_private_ipv4((const unsigned char *)&((const struct sockaddr_in *)&address->addr)->sin_addr.s_addr);
    if (address->family == AF_INET6)
        return nw_is_private_ipv6(((const struct sockaddr_in6 *)&address->addr)->sin6_addr.s6_addr);
    return 1;
}

/* A numeric address as libcurl reports it ("127.0.0.1", "::1"); anything unparsable is private. */
static inline int nw_is_private_text(const char *text) {
    unsigned char bytes[16];
    if (text == NULL || text[0] == 0) return 1;
    if (inet_pton(AF_INET, text, bytes) == 1) return nw_is_private_ipv4(bytes);
    if (inet_pton(AF_INET6, text, bytes) == 1) return nw_is_private_ipv6(bytes);
    return 1;
}

/* Every address a host name resolves to is public (through a proxy we never see the address
   the proxy connects to, so the target's own resolution is checked instead). */
static inline int nw_host_is_private(const char *host) {
    struct addrinfo hints, *results = NULL, *entry;
    int private_found = 0;
    if (host == NULL || host[0] == 0) return 1;
    /* Bracketed IPv6 literals come from URLs. */
    char buffer[256];
    size_t length = strlen(host);
    if (length >= sizeof(buffer)) return 1;
    if (host[0] == '[' && length > 2 && host[length - 1] == ']') {
        memcpy(buffer, host + 1, length - 2);
        buffer[length - 2] = 0;
    } else {
        memcpy(buffer, host, length + 1);
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(buffer, NULL, &hints, &results) != 0 || results == NULL) return 1;
    for (entry = results; entry != NULL; entry = entry->ai_next) {
        if (entry->ai_family == AF_INET)
            private_found |= nw_is_private_ipv4((const unsigned char *)&((struct sockaddr_in *)entry->ai_addr)->sin_addr.s_addr);
        else if (entry->ai_family == AF_INET6)
            private_found |= nw_is_private_ipv6(((struct sockaddr_in6 *)entry->ai_addr)->sin6_addr.s6_addr);
        else
            private_found = 1;
    }
    freeaddrinfo(results);
    return private_found;
}

/* What the C callbacks of one guarded transfer share with Swift: `blocked` is set to 1 when a
   connection or request was refused; `via_proxy` says the address seen is the proxy's. */
typedef struct { CURL *easy; int blocked; int via_proxy; } nw_guard;

static curl_socket_t nw_open_public_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)purpose;
    nw_guard *guard = (nw_guard *)clientp;
    if (nw_is_private_address(address)) {
        guard->blocked = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/* Runs before every request is sent, redirect follow-ups included, whether the connection is
   new or reused: the address the request is about to go to must be public. */
static int nw_check_request(void *clientp, char *primary_ip, char *local_ip, int primary_port, int local_port) {
    (void)local_ip; (void)primary_port; (void)local_port;
    nw_guard *guard = (nw_guard *)clientp;
    if (guard->via_proxy) {
        char *effective = NULL;
        CURLU *url = curl_url();
        char *host = NULL;
        int refuse = 1;
        if (url != NULL && curl_easy_getinfo(guard->easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != NULL
            && curl_url_set(url, CURLUPART_URL, effective, 0) == CURLUE_OK
            && curl_url_get(url, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
            refuse = nw_host_is_private(host);
        }
        curl_free(host);
        curl_url_cleanup(url);
        if (refuse) { guard->blocked = 1; return CURL_PREREQFUNC_ABORT; }
        return CURL_PREREQFUNC_OK;
    }
    if (nw_is_private_text(primary_ip)) { guard->blocked = 1; return CURL_PREREQFUNC_ABORT; }
    return CURL_PREREQFUNC_OK;
}

/* block_private_networks. Without a proxy, the address is checked when a socket opens and
   again before each request (a reused connection opened by another transfer included); with
   a proxy, the target's host is resolved and checked before each request. */
static inline CURLcode nw_easy_block_private_networks(CURL *h, nw_guard *guard) {
    CURLcode code;
    guard->easy = h;
    if (!guard->via_proxy) {
        curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, nw_open_public_socket);
        curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)guard);
    }
    code = curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, nw_check_request);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(h, CURLOPT_PREREQDATA, (void *)guard);
}

#endif

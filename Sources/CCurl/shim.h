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
#include <sys/socket.h>
#include <string.h>

static inline int nw_is_private_address(const struct curl_sockaddr *address) {
    if (address->family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&address->addr;
        unsigned long a = ntohl(in->sin_addr.s_addr);
        unsigned int b0 = a >> 24, b1 = (a >> 16) & 0xFF;
        return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xF0) == 16)
            || (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xC0) == 64) || b0 >= 224;
    }
    if (address->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&address->addr;
        const unsigned char *x = in6->sin6_addr.s6_addr;
        static const unsigned char loopback[16] = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1};
        static const unsigned char unspecified[16] = {0};
        static const unsigned char mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xFF,0xFF};
        if (memcmp(x, loopback, 16) == 0 || memcmp(x, unspecified, 16) == 0) return 1;
        if ((x[0] & 0xFE) == 0xFC) return 1;                 /* fc00::/7 unique local */
        if (x[0] == 0xFE && (x[1] & 0xC0) == 0x80) return 1; /* fe80::/10 link local */
        if (x[0] == 0xFF) return 1;                          /* multicast */
        if (memcmp(x, mapped, 12) == 0) {                    /* ::ffff:a.b.c.d */
            unsigned int b0 = x[12], b1 = x[13];
            return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xF0) == 16)
                || (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xC0) == 64) || b0 >= 224;
        }
        return 0;
    }
    return 1;
}

static curl_socket_t nw_open_public_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)purpose;
    if (nw_is_private_address(address)) {
        *(int *)clientp = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

static inline CURLcode nw_easy_block_private_networks(CURL *h, int *blocked) {
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, nw_open_public_socket);
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)blocked);
}

#endif

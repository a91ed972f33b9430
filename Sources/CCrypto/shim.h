#ifndef NEWSWATCH_CCRYPTO_SHIM_H
#define NEWSWATCH_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/* One-shot SHA-256 through the EVP interface (not deprecated in OpenSSL 3). Returns 1 on success. */
static inline int nw_sha256(const void *data, size_t len, unsigned char out[32]) {
    unsigned int outLen = 0;
    return EVP_Digest(data, len, out, &outLen, EVP_sha256(), NULL);
}

/* HMAC-SHA256; returns 1 on success. */
static inline int nw_hmac_sha256(const void *key, int keyLen, const unsigned char *data, size_t len, unsigned char out[32]) {
    unsigned int outLen = 0;
    return HMAC(EVP_sha256(), key, keyLen, data, len, out, &outLen) != NULL;
}
#endif

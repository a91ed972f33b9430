#ifndef NEWSWATCH_CZLIB_SHIM_H
#define NEWSWATCH_CZLIB_SHIM_H
#include <zlib.h>
/* deflateInit2/inflateInit2 are macros that Swift cannot see. */
static inline int nw_deflate_init(z_streamp s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int nw_inflate_init(z_streamp s, int windowBits) {
    return inflateInit2(s, windowBits);
}
#endif

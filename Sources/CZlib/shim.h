#include <zlib.h>

// inflateInit and deflateInit are macros that Swift cannot call.
static inline int czlib_inflate_init(z_streamp stream) { return inflateInit(stream); }
static inline int czlib_deflate_init(z_streamp stream, int level) { return deflateInit(stream, level); }

#ifndef KHO_PLATFORM_H
#define KHO_PLATFORM_H
#include <stdint.h>

/// Asks the kernel to start writing a range of a file to disk now, without waiting (Linux
/// sync_file_range with SYNC_FILE_RANGE_WRITE). A later fsync then has little left to wait for.
/// Returns 0, or -1 where the call is not available; the caller need not care.
int kho_start_writeback(int fd, int64_t offset, int64_t length);

#endif

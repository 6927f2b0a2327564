#ifndef KHO_PLATFORM_H
#define KHO_PLATFORM_H
#include <stddef.h>
#include <stdint.h>

/// Asks the kernel to start writing a range of a file to disk now, without waiting (Linux
/// sync_file_range with SYNC_FILE_RANGE_WRITE). A later fsync then has little left to wait for.
/// Returns 0, or -1 where the call is not available; the caller need not care.
int kho_start_writeback(int fd, int64_t offset, int64_t length);

/// The first occurrence of `needle` in `haystack` (glibc memmem, which uses vector instructions),
/// or NULL.
const void *kho_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// Writes every dirty page of the file system holding `fd` to disk, and waits (Linux syncfs; sync
/// elsewhere). One call makes a whole folder of new files durable. Returns 0 or -1.
int kho_sync_file_system(int fd);

#endif

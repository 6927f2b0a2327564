/*
 * iolog: an LD_PRELOAD shim that records, in order, every call that changes files under one
 * folder (writes, truncations, syncs, creations, renames, removals) and every write to standard
 * output, for scripts/powercut/replay.py to rebuild what a disk would hold after a power cut at
 * any moment: only what was synced by then.
 *
 *   KHO_IOLOG=DIR     where the log goes: DIR/ops (one line per call) and DIR/data (the bytes written)
 *   KHO_IOLOG_ROOT=P  the folder whose files are recorded (an absolute, resolved path)
 *
 * Lines of DIR/ops (paths absolute; N is a decimal inode number):
 *   O N created path       a file opened (created = 1 when this call made it)
 *   W N offset length pos  bytes written to inode N at offset; they are at pos in DIR/data
 *   T N length             inode N truncated to length
 *   S N                    inode N synced (fsync or fdatasync)
 *   D path                 the folder at path synced (its entries)
 *   R old new              renamed
 *   U path                 unlinked
 *   M path                 folder made
 *   X path                 folder removed
 *   A length pos           standard output written (what the command reports), bytes at pos
 *   G                      everything synced (syncfs, sync)
 *   P N mode               inode N given this mode (octal) by fchmod
 *
 * Build: cc -shared -fPIC -O2 -o iolog.so iolog.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int ops_fd = -1, data_fd = -1;
static char root[PATH_MAX];
static size_t root_length;
static long long data_position;
static int ready;
static __thread int inside;

#define REAL(name, ret, ...) \
    static ret (*real_##name)(__VA_ARGS__); \
    if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

static int (*raw_open)(const char *, int, ...);
static ssize_t (*raw_write)(int, const void *, size_t);

static void setup(void) {
    if (ready) return;
    ready = -1;
    raw_open = dlsym(RTLD_NEXT, "open");
    raw_write = dlsym(RTLD_NEXT, "write");
    const char *dir = getenv("KHO_IOLOG");
    const char *tracked = getenv("KHO_IOLOG_ROOT");
    if (!dir || !tracked || strlen(tracked) >= sizeof root) return;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ops", dir);
    ops_fd = raw_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    snprintf(path, sizeof path, "%s/data", dir);
    data_fd = raw_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (ops_fd < 0 || data_fd < 0) return;
    struct stat info;
    data_position = fstat(data_fd, &info) == 0 ? info.st_size : 0;
    strcpy(root, tracked);
    root_length = strlen(root);
    ready = 1;
}

/* Appends one line (and, when bytes is given, the bytes to the data file). Called with lock held. */
static void emit(const char *line, const void *bytes, size_t length) {
    if (bytes && length) {
        size_t done = 0;
        while (done < length) {
            ssize_t n = raw_write(data_fd, (const char *)bytes + done, length - done);
            if (n <= 0) break;
            done += (size_t)n;
        }
        data_position += (long long)length;
    }
    size_t total = strlen(line), done = 0;
    while (done < total) {
        ssize_t n = raw_write(ops_fd, line + done, total - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
}

/* The absolute form of a path given relative to dirfd (AT_FDCWD or a folder), without resolving
 * its last component (which may not exist yet). */
static int absolute(int dirfd, const char *path, char *out) {
    char base[PATH_MAX];
    if (path[0] == '/') {
        base[0] = 0;
    } else if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) return -1;
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        if (n < 0) return -1;
        base[n] = 0;
    }
    char joined[PATH_MAX * 2];
    if (base[0]) snprintf(joined, sizeof joined, "%s/%s", base, path);
    else snprintf(joined, sizeof joined, "%s", path);
    /* Resolve the folder part; keep the last name as given. */
    char *slash = strrchr(joined, '/');
    if (!slash) return -1;
    *slash = 0;
    char folder[PATH_MAX];
    if (!realpath(joined[0] ? joined : "/", folder)) return -1;
    snprintf(out, PATH_MAX, "%s/%s", strcmp(folder, "/") ? folder : "", slash + 1);
    return 0;
}

static int under_root(const char *path) {
    return ready == 1 && strncmp(path, root, root_length) == 0 && (path[root_length] == '/' || path[root_length] == 0);
}

/* The inode of an open descriptor under the root, or 0 (not tracked). */
static ino_t tracked_inode(int fd, int *is_folder) {
    if (ready != 1 || fd < 0) return 0;
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = 0;
    if (!under_root(target)) return 0;
    struct stat info;
    if (fstat(fd, &info) != 0) return 0;
    if (is_folder) *is_folder = S_ISDIR(info.st_mode);
    return info.st_ino;
}

static void log_open(int fd, const char *path_text, int dirfd, int created) {
    if (fd < 0 || inside) return;
    setup();
    char path[PATH_MAX];
    if (ready != 1 || absolute(dirfd, path_text, path) != 0 || !under_root(path)) return;
    struct stat info;
    if (fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) return;
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "O %llu %d %s\n", (unsigned long long)info.st_ino, created, path);
    pthread_mutex_lock(&lock);
    emit(line, NULL, 0);
    pthread_mutex_unlock(&lock);
}

static int existed(int dirfd, const char *path) {
    struct stat info;
    return fstatat(dirfd, path, &info, 0) == 0;
}

static int do_open(int dirfd, const char *path, int flags, mode_t mode, int at) {
    REAL(openat, int, int, const char *, int, ...);
    setup();
    int before = (flags & O_CREAT) ? existed(dirfd, path) : 1;
    inside++;
    int fd = real_openat(at ? dirfd : AT_FDCWD, path, flags, mode);
    inside--;
    int saved = errno;
    if (fd >= 0 && (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC))) log_open(fd, path, dirfd, !before);
    if (fd >= 0 && (flags & O_TRUNC) && before) {
        int folder = 0;
        ino_t inode = tracked_inode(fd, &folder);
        if (inode && !folder) {
            char line[96];
            snprintf(line, sizeof line, "T %llu 0\n", (unsigned long long)inode);
            pthread_mutex_lock(&lock);
            emit(line, NULL, 0);
            pthread_mutex_unlock(&lock);
        }
    }
    errno = saved;
    return fd;
}

int open(const char *path, int flags, ...) {
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list args; va_start(args, flags); mode = va_arg(args, mode_t); va_end(args); }
    return do_open(AT_FDCWD, path, flags, mode, 0);
}
int open64(const char *path, int flags, ...) {
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list args; va_start(args, flags); mode = va_arg(args, mode_t); va_end(args); }
    return do_open(AT_FDCWD, path, flags, mode, 0);
}
int openat(int dirfd, const char *path, int flags, ...) {
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list args; va_start(args, flags); mode = va_arg(args, mode_t); va_end(args); }
    return do_open(dirfd, path, flags, mode, 1);
}
int openat64(int dirfd, const char *path, int flags, ...) {
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list args; va_start(args, flags); mode = va_arg(args, mode_t); va_end(args); }
    return do_open(dirfd, path, flags, mode, 1);
}
int creat(const char *path, mode_t mode) { return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, 0); }
int creat64(const char *path, mode_t mode) { return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, 0); }

static void log_write(int fd, const void *bytes, size_t length, long long offset) {
    if (inside || length == 0) return;
    setup();
    if (ready != 1) return;
    char line[128];
    if (fd == 1) {
        pthread_mutex_lock(&lock);
        snprintf(line, sizeof line, "A %zu %lld\n", length, data_position);
        emit(line, bytes, length);
        pthread_mutex_unlock(&lock);
        return;
    }
    int folder = 0;
    ino_t inode = tracked_inode(fd, &folder);
    if (!inode || folder) return;
    pthread_mutex_lock(&lock);
    snprintf(line, sizeof line, "W %llu %lld %zu %lld\n", (unsigned long long)inode, offset, length, data_position);
    emit(line, bytes, length);
    pthread_mutex_unlock(&lock);
}

ssize_t write(int fd, const void *bytes, size_t length) {
    setup();
    off_t before = lseek(fd, 0, SEEK_CUR);
    int append = (fcntl(fd, F_GETFL) & O_APPEND) != 0;
    ssize_t n = raw_write(fd, bytes, length);
    int saved = errno;
    if (n > 0) {
        long long offset = append ? (long long)lseek(fd, 0, SEEK_CUR) - n : (long long)before;
        log_write(fd, bytes, (size_t)n, offset);
    }
    errno = saved;
    return n;
}

ssize_t pwrite(int fd, const void *bytes, size_t length, off_t offset) {
    REAL(pwrite, ssize_t, int, const void *, size_t, off_t);
    ssize_t n = real_pwrite(fd, bytes, length, offset);
    int saved = errno;
    if (n > 0) log_write(fd, bytes, (size_t)n, (long long)offset);
    errno = saved;
    return n;
}

ssize_t pwrite64(int fd, const void *bytes, size_t length, off_t offset) {
    REAL(pwrite64, ssize_t, int, const void *, size_t, off_t);
    ssize_t n = real_pwrite64(fd, bytes, length, offset);
    int saved = errno;
    if (n > 0) log_write(fd, bytes, (size_t)n, (long long)offset);
    errno = saved;
    return n;
}

ssize_t writev(int fd, const struct iovec *vector, int count) {
    REAL(writev, ssize_t, int, const struct iovec *, int);
    off_t before = lseek(fd, 0, SEEK_CUR);
    ssize_t n = real_writev(fd, vector, count);
    int saved = errno;
    if (n > 0) {
        long long offset = before;
        ssize_t left = n;
        for (int i = 0; i < count && left > 0; i++) {
            size_t part = vector[i].iov_len < (size_t)left ? vector[i].iov_len : (size_t)left;
            log_write(fd, vector[i].iov_base, part, offset);
            offset += (long long)part;
            left -= (ssize_t)part;
        }
    }
    errno = saved;
    return n;
}

static void log_truncate(int fd, off_t length) {
    int folder = 0;
    ino_t inode = tracked_inode(fd, &folder);
    if (!inode || folder) return;
    char line[96];
    snprintf(line, sizeof line, "T %llu %lld\n", (unsigned long long)inode, (long long)length);
    pthread_mutex_lock(&lock);
    emit(line, NULL, 0);
    pthread_mutex_unlock(&lock);
}

int ftruncate(int fd, off_t length) {
    REAL(ftruncate, int, int, off_t);
    setup();
    int result = real_ftruncate(fd, length);
    int saved = errno;
    if (result == 0) log_truncate(fd, length);
    errno = saved;
    return result;
}

int ftruncate64(int fd, off_t length) {
    REAL(ftruncate64, int, int, off_t);
    setup();
    int result = real_ftruncate64(fd, length);
    int saved = errno;
    if (result == 0) log_truncate(fd, length);
    errno = saved;
    return result;
}

static void log_sync(int fd) {
    setup();
    int folder = 0;
    ino_t inode = tracked_inode(fd, &folder);
    char line[PATH_MAX + 16];
    if (!inode) {
        /* The root itself, when its parent is tracked, or nothing. */
        return;
    }
    if (folder) {
        char link[64], target[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) return;
        target[n] = 0;
        snprintf(line, sizeof line, "D %s\n", target);
    } else {
        snprintf(line, sizeof line, "S %llu\n", (unsigned long long)inode);
    }
    pthread_mutex_lock(&lock);
    emit(line, NULL, 0);
    pthread_mutex_unlock(&lock);
}

int fsync(int fd) {
    REAL(fsync, int, int);
    int result = real_fsync(fd);
    int saved = errno;
    if (result == 0) log_sync(fd);
    errno = saved;
    return result;
}

int fdatasync(int fd) {
    REAL(fdatasync, int, int);
    int result = real_fdatasync(fd);
    int saved = errno;
    if (result == 0) log_sync(fd);
    errno = saved;
    return result;
}

static void log_path(char kind, int dirfd, const char *path_text) {
    setup();
    char path[PATH_MAX];
    if (ready != 1 || absolute(dirfd, path_text, path) != 0 || !under_root(path)) return;
    char line[PATH_MAX + 8];
    snprintf(line, sizeof line, "%c %s\n", kind, path);
    pthread_mutex_lock(&lock);
    emit(line, NULL, 0);
    pthread_mutex_unlock(&lock);
}

static int do_rename(int olddir, const char *old, int newdir, const char *new, unsigned flags, int which) {
    setup();
    char from[PATH_MAX], to[PATH_MAX];
    int known = ready == 1 && absolute(olddir, old, from) == 0 && absolute(newdir, new, to) == 0;
    int result;
    if (which == 0) {
        REAL(rename, int, const char *, const char *);
        result = real_rename(old, new);
    } else if (which == 1) {
        REAL(renameat, int, int, const char *, int, const char *);
        result = real_renameat(olddir, old, newdir, new);
    } else {
        REAL(renameat2, int, int, const char *, int, const char *, unsigned);
        result = real_renameat2(olddir, old, newdir, new, flags);
    }
    int saved = errno;
    if (result == 0 && known && (under_root(from) || under_root(to))) {
        char line[PATH_MAX * 2 + 8];
        snprintf(line, sizeof line, "R %s %s\n", from, to);
        pthread_mutex_lock(&lock);
        emit(line, NULL, 0);
        pthread_mutex_unlock(&lock);
    }
    errno = saved;
    return result;
}

int rename(const char *old, const char *new) { return do_rename(AT_FDCWD, old, AT_FDCWD, new, 0, 0); }
int renameat(int olddir, const char *old, int newdir, const char *new) { return do_rename(olddir, old, newdir, new, 0, 1); }
int renameat2(int olddir, const char *old, int newdir, const char *new, unsigned flags) {
    return do_rename(olddir, old, newdir, new, flags, 2);
}

int unlink(const char *path) {
    REAL(unlink, int, const char *);
    char copy[PATH_MAX];
    setup();
    int known = ready == 1 && absolute(AT_FDCWD, path, copy) == 0;
    int result = real_unlink(path);
    int saved = errno;
    if (result == 0 && known && under_root(copy)) log_path('U', AT_FDCWD, copy);
    errno = saved;
    return result;
}

int unlinkat(int dirfd, const char *path, int flags) {
    REAL(unlinkat, int, int, const char *, int);
    char copy[PATH_MAX];
    setup();
    int known = ready == 1 && absolute(dirfd, path, copy) == 0;
    int result = real_unlinkat(dirfd, path, flags);
    int saved = errno;
    if (result == 0 && known && under_root(copy)) log_path((flags & AT_REMOVEDIR) ? 'X' : 'U', AT_FDCWD, copy);
    errno = saved;
    return result;
}

int mkdir(const char *path, mode_t mode) {
    REAL(mkdir, int, const char *, mode_t);
    int result = real_mkdir(path, mode);
    int saved = errno;
    if (result == 0) log_path('M', AT_FDCWD, path);
    errno = saved;
    return result;
}

int mkdirat(int dirfd, const char *path, mode_t mode) {
    REAL(mkdirat, int, int, const char *, mode_t);
    int result = real_mkdirat(dirfd, path, mode);
    int saved = errno;
    if (result == 0) log_path('M', dirfd, path);
    errno = saved;
    return result;
}

int rmdir(const char *path) {
    REAL(rmdir, int, const char *);
    char copy[PATH_MAX];
    setup();
    int known = ready == 1 && absolute(AT_FDCWD, path, copy) == 0;
    int result = real_rmdir(path);
    int saved = errno;
    if (result == 0 && known && under_root(copy)) log_path('X', AT_FDCWD, copy);
    errno = saved;
    return result;
}

/* syncfs and sync make everything written so far durable. */
static void log_global(void) {
    setup();
    if (ready != 1) return;
    pthread_mutex_lock(&lock);
    emit("G\n", NULL, 0);
    pthread_mutex_unlock(&lock);
}

int syncfs(int fd) {
    REAL(syncfs, int, int);
    int result = real_syncfs(fd);
    int saved = errno;
    if (result == 0) log_global();
    errno = saved;
    return result;
}

void sync(void) {
    REAL(sync, void, void);
    real_sync();
    log_global();
}

/* A file's mode, recorded like its bytes (durable when the file is synced). */
int fchmod(int fd, mode_t mode) {
    REAL(fchmod, int, int, mode_t);
    setup();
    int result = real_fchmod(fd, mode);
    int saved = errno;
    int folder = 0;
    ino_t inode = result == 0 ? tracked_inode(fd, &folder) : 0;
    if (inode && !folder) {
        char line[96];
        snprintf(line, sizeof line, "P %llu %o\n", (unsigned long long)inode, (unsigned)(mode & 07777));
        pthread_mutex_lock(&lock);
        emit(line, NULL, 0);
        pthread_mutex_unlock(&lock);
    }
    errno = saved;
    return result;
}

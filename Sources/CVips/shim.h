#ifndef KHO_CVIPS_SHIM_H
#define KHO_CVIPS_SHIM_H
// libvips (Debian: libvips42, with libvips-dev) for exhibitions' web-sized images, loaded with
// dlopen when the first image is made, not linked: libvips brings 103 shared libraries with it,
// and loading them took every kho command about 35 ms at start-up, though only the web server and
// an exhibition's export make images. So this header declares, with libvips' own types and
// signatures (vips/*.h, ABI 42 = libvips 8.x), just the calls kho makes, and resolves them from
// the library at start. Their variadic option lists, which Swift cannot make, are passed here.
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

typedef struct _VipsImage VipsImage;
/// `VipsSize` (vips/resample.h): VIPS_SIZE_BOTH, VIPS_SIZE_UP, VIPS_SIZE_DOWN, …
enum { KHO_VIPS_SIZE_BOTH = 0, KHO_VIPS_SIZE_DOWN = 2 };

/// The calls, as libvips declares them (gboolean is int, gpointer void *).
struct kho_vips_calls {
    int (*version)(int flag);
    int (*init)(const char *argv0);
    void (*block_untrusted_set)(int state);
    void (*operation_block_set)(const char *name, int state);
    void (*cache_set_max)(int max);
    void (*cache_set_max_mem)(size_t max_mem);
    int (*thumbnail)(const char *filename, VipsImage **out, int width, ...);
    int (*image_get_width)(const VipsImage *image);
    int (*image_get_height)(const VipsImage *image);
    int (*image_write_to_file)(VipsImage *image, const char *name, ...);
    void (*object_unref)(void *object);
    const char *(*error_buffer)(void);
    void (*error_clear)(void);
};

/// The calls, once resolved (state inside functions: Swift emits a header's inline functions, not
/// its static variables).
static inline struct kho_vips_calls *kho_vips_calls(void) {
    static struct kho_vips_calls calls;
    return &calls;
}
#define kho_vips (*kho_vips_calls())

/// Why libvips could not be loaded, when it could not.
static inline char *kho_vips_load_error_text(void) {
    static char text[512];
    return text;
}
#define kho_vips_load_error (kho_vips_load_error_text())

/// Loads libvips and resolves its calls; 0, or -1 with the reason in `kho_vips_load_error`.
static inline int kho_vips_load(void) {
    void *library = dlopen("libvips.so.42", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(kho_vips_load_error, 512,
                 "cannot load libvips (Debian: apt-get install libvips42): %s", dlerror());
        return -1;
    }
    struct {
        void **slot;
        const char *name;
    } calls[] = {
        {(void **)&kho_vips.version, "vips_version"},
        {(void **)&kho_vips.init, "vips_init"},
        {(void **)&kho_vips.block_untrusted_set, "vips_block_untrusted_set"},
        {(void **)&kho_vips.operation_block_set, "vips_operation_block_set"},
        {(void **)&kho_vips.cache_set_max, "vips_cache_set_max"},
        {(void **)&kho_vips.cache_set_max_mem, "vips_cache_set_max_mem"},
        {(void **)&kho_vips.thumbnail, "vips_thumbnail"},
        {(void **)&kho_vips.image_get_width, "vips_image_get_width"},
        {(void **)&kho_vips.image_get_height, "vips_image_get_height"},
        {(void **)&kho_vips.image_write_to_file, "vips_image_write_to_file"},
        {(void **)&kho_vips.object_unref, "g_object_unref"},  // GObject, a dependency of libvips
        {(void **)&kho_vips.error_buffer, "vips_error_buffer"},
        {(void **)&kho_vips.error_clear, "vips_error_clear"},
    };
    for (size_t index = 0; index < sizeof calls / sizeof calls[0]; index++) {
        *calls[index].slot = dlsym(library, calls[index].name);
        if (!*calls[index].slot) {
            snprintf(kho_vips_load_error, 512,
                     "the libvips found has no %s (kho needs libvips 8.13 or later)", calls[index].name);
            return -1;
        }
    }
    // VIPS_INIT's check: the library's ABI (current - age) is the one these declarations are of.
    if (kho_vips.version(3) - kho_vips.version(5) != 42) {
        snprintf(kho_vips_load_error, 512, "libvips has ABI version %d; kho needs 42",
                 kho_vips.version(3) - kho_vips.version(5));
        return -1;
    }
    return 0;
}

/// Loads and starts libvips once per process: untrusted loaders (ImageMagick, Matlab, SVG…) are
/// blocked, PDF (poppler) is let through for a document's first page, and the operation cache is
/// kept small.
static inline int kho_vips_start(void) {
    if (kho_vips_load() != 0) return -1;
    if (kho_vips.init("kho")) return -1;
    kho_vips.block_untrusted_set(1);
    kho_vips.operation_block_set("VipsForeignLoadPdf", 0);
    kho_vips.cache_set_max(16);
    kho_vips.cache_set_max_mem(64 * 1024 * 1024);
    return 0;
}

/// Writes `input` (any format libvips reads; a PDF's first page) shrunk to fit `width` pixels wide
/// and `height` high, turned upright by its EXIF orientation and stripped of metadata, to
/// `output`, whose suffix names the format and its options ("x.webp[Q=78,strip]"). A photograph
/// is never enlarged; a `vector` source (a PDF page) is rendered at the size asked, sharp at any
/// width. Fills the size written. Returns 0, or -1 with the reason in `kho_vips_error()`. Only
/// after `kho_vips_start` succeeded.
static inline int kho_vips_thumbnail(const char *input, const char *output, int width, int height, int vector,
                                     int *written_width, int *written_height) {
    VipsImage *image = NULL;
    if (kho_vips.thumbnail(input, &image, width, "height", height, "size",
                           vector ? KHO_VIPS_SIZE_BOTH : KHO_VIPS_SIZE_DOWN, (char *)NULL))
        return -1;
    *written_width = kho_vips.image_get_width(image);
    *written_height = kho_vips.image_get_height(image);
    int result = kho_vips.image_write_to_file(image, output, (char *)NULL);
    kho_vips.object_unref(image);
    return result;
}

/// Why libvips could not be loaded, or else the last error it reported on this thread, cleared
/// once read into `buffer`.
static inline void kho_vips_error(char *buffer, size_t size) {
    if (kho_vips_load_error[0] || !kho_vips.error_buffer) {
        snprintf(buffer, size, "%s", kho_vips_load_error);
        return;
    }
    const char *text = kho_vips.error_buffer();
    snprintf(buffer, size, "%s", text ? text : "");
    kho_vips.error_clear();
}
#endif

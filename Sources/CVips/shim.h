#ifndef KHO_CVIPS_SHIM_H
#define KHO_CVIPS_SHIM_H
// libvips (Debian: libvips-dev) for exhibitions' web-sized images. Its calls take variadic
// option lists, which Swift cannot make, so the few kho needs are wrapped here.
#include <vips/vips.h>

/// Starts libvips once per process: untrusted loaders (ImageMagick, Matlab, SVG…) are blocked,
/// PDF (poppler) is let through for a document's first page, and the operation cache is kept small.
static inline int kho_vips_start(void) {
    if (VIPS_INIT("kho")) return -1;
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoadPdf", FALSE);
    vips_cache_set_max(16);
    vips_cache_set_max_mem(64 * 1024 * 1024);
    return 0;
}

/// Writes `input` (any format libvips reads; a PDF's first page) shrunk to fit `width` pixels wide
/// and `height` high, turned upright by its EXIF orientation and stripped of metadata, to
/// `output`, whose suffix names the format and its options ("x.webp[Q=78,strip]"). A photograph
/// is never enlarged; a `vector` source (a PDF page) is rendered at the size asked, sharp at any
/// width. Fills the size written. Returns 0, or -1 with the reason in `kho_vips_error()`.
static inline int kho_vips_thumbnail(const char *input, const char *output, int width, int height, int vector,
                                     int *written_width, int *written_height) {
    VipsImage *image = NULL;
    if (vips_thumbnail(input, &image, width, "height", height, "size", vector ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN,
                       NULL))
        return -1;
    *written_width = vips_image_get_width(image);
    *written_height = vips_image_get_height(image);
    int result = vips_image_write_to_file(image, output, NULL);
    g_object_unref(image);
    return result;
}

/// The last error libvips reported on this thread, cleared once read into `buffer`.
static inline void kho_vips_error(char *buffer, size_t size) {
    const char *text = vips_error_buffer();
    snprintf(buffer, size, "%s", text ? text : "");
    vips_error_clear();
}
#endif

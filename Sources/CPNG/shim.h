#ifndef KHO_CPNG_SHIM_H
#define KHO_CPNG_SHIM_H
#include <png.h>
#endif

#ifndef KHO_CMAGIC_SHIM_H
#define KHO_CMAGIC_SHIM_H
#include <magic.h>
#endif

#ifndef KHO_CQRENCODE_SHIM_H
#define KHO_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif

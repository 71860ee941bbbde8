/* The host function of dm/codec's JSON reader, for a host's registration table. */
#ifndef MODULES_DM_CODEC_NATIVE_JSON_SCAN_H
#define MODULES_DM_CODEC_NATIVE_JSON_SCAN_H
#include "xsmc.h"
void xs_json_scan(xsMachine* the);
#endif

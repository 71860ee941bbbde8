/* Registers modules/transport/native (compiled in by the Makefile) with xsdm's native() table. */
#include "sim.h"
#include "tls.h"

static const simNativeFunction functions[] = {
	{ "xs_tls_constructor", xs_tls_constructor, 1 },
	{ "xs_tls_feed", xs_tls_feed, 1 },
	{ "xs_tls_feed_end", xs_tls_feed_end, 0 },
	{ "xs_tls_room", xs_tls_room, 0 },
	{ "xs_tls_pending", xs_tls_pending, 0 },
	{ "xs_tls_step", xs_tls_step, 0 },
	{ "xs_tls_take", xs_tls_take, 1 },
	{ "xs_tls_available", xs_tls_available, 0 },
	{ "xs_tls_read", xs_tls_read, 1 },
	{ "xs_tls_writable", xs_tls_writable, 0 },
	{ "xs_tls_write", xs_tls_write, 1 },
	{ "xs_tls_close_notify", xs_tls_close_notify, 0 },
	{ "xs_tls_close", xs_tls_close, 0 },
	{ "xs_tls_info", xs_tls_info, 0 },
	{ "xs_tls_save_session", xs_tls_save_session, 1 },
	{ "xs_tls_session_constructor", xs_tls_session_constructor, 1 },
	{ "xs_tls_session_export", xs_tls_session_export, 0 },
	{ "xs_tls_memory", xs_tls_memory, 0 },
	{ "xs_tls_failure", xs_tls_failure, 0 },
};
static const simNativeClass classes[] = {
	{ "xs_tls_destructor", &xsTlsHooks },
	{ "xs_tls_session_destructor", &xsTlsSessionHooks },
};

const simNativeTable simTransportNatives = { functions, simCount(functions), classes, simCount(classes) };

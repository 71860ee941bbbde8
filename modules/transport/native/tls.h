/* The host functions of modules/transport/native (TLS through mbedTLS), for a host's registration table. */
#ifndef MODULES_TRANSPORT_TLS_H
#define MODULES_TRANSPORT_TLS_H
#include "xsmc.h"
extern const xsHostHooks xsTlsHooks;
extern const xsHostHooks xsTlsSessionHooks;
/* the destructors Native("xs_tls_destructor") and Native("xs_tls_session_destructor") name */
void xs_tls_destructor(void* data);
void xs_tls_session_destructor(void* data);
void xs_tls_constructor(xsMachine* the);
void xs_tls_feed(xsMachine* the);
void xs_tls_feed_end(xsMachine* the);
void xs_tls_room(xsMachine* the);
void xs_tls_pending(xsMachine* the);
void xs_tls_step(xsMachine* the);
void xs_tls_take(xsMachine* the);
void xs_tls_available(xsMachine* the);
void xs_tls_read(xsMachine* the);
void xs_tls_writable(xsMachine* the);
void xs_tls_write(xsMachine* the);
void xs_tls_close_notify(xsMachine* the);
void xs_tls_close(xsMachine* the);
void xs_tls_info(xsMachine* the);
void xs_tls_save_session(xsMachine* the);
void xs_tls_session_constructor(xsMachine* the);
void xs_tls_session_export(xsMachine* the);
void xs_tls_memory(xsMachine* the);
void xs_tls_failure(xsMachine* the);
#endif

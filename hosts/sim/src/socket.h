/* What tcp.c and udp.c share: calling an instance's callback and numeric IPv4 addresses. */
#ifndef XSDM_SOCKET_H
#define XSDM_SOCKET_H
#include "sim.h"
#include <netinet/in.h>

/* Calls instance[name](count), or instance[name]() when count < 0, if the instance has it.
   Runs in host state: an exception thrown by the callback is reported and ends the process. */
void simSocketCallback(xsMachine* the, xsSlot* instance, const char* name, int count);

/* "127.0.0.1" and port → sockaddr_in; throws a RangeError naming the bad value. */
void simSocketAddress(xsMachine* the, const char* address, int port, struct sockaddr_in* out);
/** a numeric IPv4 or IPv6 address (no brackets) for a stream socket; returns the address length */
socklen_t simStreamAddress(xsMachine* the, const char* address, int port, struct sockaddr_storage* out);

/* Reads options[name] as a string into buffer, or leaves buffer empty. */
void simOptionString(xsMachine* the, xsSlot* options, const char* name, char* buffer, size_t size);
int simOptionInteger(xsMachine* the, xsSlot* options, const char* name, int fallback);
#endif
